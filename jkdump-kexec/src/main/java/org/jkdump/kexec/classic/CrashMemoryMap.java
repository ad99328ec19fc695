package org.jkdump.kexec.classic;

import java.util.ArrayList;
import java.util.List;
import org.jkdump.format.JkdumpException;
import org.jkdump.kexec.CrashReservation;
import org.jkdump.kexec.IomemRange;

/**
 * The physical memory picture a classic crash load starts from, taken from /proc/iomem:
 * the typed regions of the crashed kernel minus the crashkernel= reservation(s) (what the
 * capture kernel will find in /proc/vmcore), the reservation(s) themselves (where the capture
 * kernel runs) and the low-memory backup source. Every line counts, nested or not, as
 * kexec-tools reads it; a GART aperture is left out of the dump because reading it can hang
 * some machines.
 *
 * @param regions      typed regions outside the reservations, in /proc/iomem order
 * @param reservations the "Crash kernel" ranges, low first
 * @param backupSource the first RAM region that lies wholly below 640 KiB: the capture kernel
 *                     needs low memory for its real-mode trampoline, so the purgatory saves
 *                     this region's old contents into a backup segment first
 */
public record CrashMemoryMap(List<MemoryRegion> regions, List<MemoryRegion> reservations, MemoryRegion backupSource) {
    /** Where real-mode memory ends: the backup source must lie below it. */
    static final long LOW_MEMORY_END = 0xa0000;
    private static final MemoryRegion DEFAULT_BACKUP = new MemoryRegion(0, LOW_MEMORY_END - 1, MemoryType.RAM);

    /** Builds the map; {@code source} names the file in messages. */
    public static CrashMemoryMap of(List<IomemRange> iomem, String source) {
        var regions = new ArrayList<MemoryRegion>();
        var reservations = new ArrayList<MemoryRegion>();
        var excluded = new ArrayList<IomemRange>();
        for (var r : iomem) {
            if (r.name().equals(CrashReservation.IOMEM_NAME)) {
                if (r.start() == 0 && r.end() == 0)
                    throw new JkdumpException(source + ": the \"Crash kernel\" range reads as 0-0: /proc/iomem shows"
                            + " addresses only to root");
                reservations.add(new MemoryRegion(r.start(), r.end(), MemoryType.RAM));
                excluded.add(r);
            } else if (r.name().equals("GART")) {
                excluded.add(r);
            } else {
                var type = MemoryType.ofIomemName(r.name());
                if (type != null) regions.add(new MemoryRegion(r.start(), r.end(), type));
            }
        }
        if (reservations.isEmpty())
            throw new JkdumpException(source + ": no \"Crash kernel\" range: boot with crashkernel=256M (or more)");
        List<MemoryRegion> dumped = regions;
        for (var x : excluded) dumped = without(dumped, x.start(), x.end());
        var backup = dumped.stream()
                .filter(r -> r.type() == MemoryType.RAM && Long.compareUnsigned(r.end(), LOW_MEMORY_END) <= 0)
                .findFirst().orElse(DEFAULT_BACKUP);
        return new CrashMemoryMap(List.copyOf(dumped), List.copyOf(reservations), backup);
    }

    /** The RAM regions the core header describes. */
    public List<MemoryRegion> ram() {
        return regions.stream().filter(r -> r.type() == MemoryType.RAM).toList();
    }

    /** The reservation the capture kernel is loaded into: the highest, as the kernel refuses low ones. */
    public MemoryRegion loadReservation() {
        return reservations.getLast();
    }

    /** The regions with [start, end] cut out: a region around it splits in two. */
    static List<MemoryRegion> without(List<MemoryRegion> in, long start, long end) {
        var out = new ArrayList<MemoryRegion>(in.size() + 1);
        for (var r : in) {
            if (!r.overlaps(start, end)) {
                out.add(r);
                continue;
            }
            if (Long.compareUnsigned(r.start(), start) < 0) out.add(new MemoryRegion(r.start(), start - 1, r.type()));
            if (Long.compareUnsigned(r.end(), end) > 0) out.add(new MemoryRegion(end + 1, r.end(), r.type()));
        }
        return out;
    }
}
