package org.jkdump.collect;

import java.util.Map;

/**
 * What a collect run did, as makedumpfile's final report says it: frames of RAM in the input,
 * frames left out per class, frames written, the memory hole, bytes written and the time.
 *
 * @param ramPages   frames of RAM the input describes (each frame once, unlike makedumpfile,
 *                   which counts /proc/vmcore's kernel-text PT_LOAD twice)
 * @param totalPages max_mapnr: one past the highest frame
 * @param steps      wall time of each phase, named as makedumpfile's STEP lines name them
 */
public record CollectReport(String output, DumpLevel level, long ramPages, long totalPages, Map<PageClass, Long> excluded,
                            long writtenPages, long bytesWritten, long unreadableMemMap, Map<String, Double> steps,
                            double seconds) {
    public CollectReport {
        excluded = Map.copyOf(excluded);
        steps = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(steps));
    }

    public long excludedPages() {
        return excluded.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The report in makedumpfile's layout. */
    public String render() {
        var sb = new StringBuilder();
        steps.forEach((step, secs) -> sb.append(String.format("STEP [%-27s] : %f seconds%n", step, secs)));
        sb.append('\n');
        sb.append(String.format("Original pages  : 0x%016x%n", ramPages));
        sb.append(String.format("  Excluded pages   : 0x%016x%n", excludedPages()));
        for (var c : PageClass.values())
            sb.append(String.format("    %-24s: 0x%016x%n", c.label(), excluded.getOrDefault(c, 0L)));
        long remaining = ramPages - excludedPages();
        sb.append(String.format("  Remaining pages  : 0x%016x%n", remaining));
        sb.append(String.format("  (The number of pages is reduced to %d%%.)%n", ramPages == 0 ? 0 : remaining * 100 / ramPages));
        sb.append(String.format("Memory Hole     : 0x%016x%n", totalPages - ramPages));
        sb.append("--------------------------------------------------\n");
        sb.append(String.format("Total pages     : 0x%016x%n", totalPages));
        sb.append(String.format("Write bytes     : %d%n", bytesWritten));
        if (unreadableMemMap > 0)
            sb.append(String.format("Kept unfiltered : 0x%016x (their struct pages are not in the input)%n", unreadableMemMap));
        sb.append(String.format("Ratio           : %.1f%% of %d MiB of RAM%n",
                ramPages == 0 ? 0.0 : 100.0 * bytesWritten / (ramPages * 4096.0), ramPages * 4096 >> 20));
        sb.append(String.format("Time            : %.2f s%n", seconds));
        sb.append(String.format("%nThe dumpfile is saved to %s.%n", output));
        return sb.toString();
    }
}
