package org.jkdump.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One {@code vtop} of crash's output in a fixture's crash.txt: the physical address crash
 * found and the page-table entries it printed (level name, entry address, value). 4-level
 * kernel walks print the PGD entry only as "PAGE DIRECTORY: value"; its address is absent (-1).
 */
record CrashVtop(long vaddr, long paddr, List<Entry> entries) {
    record Entry(String level, long address, long value) {
    }

    private static final Pattern ENTRY = Pattern.compile("^\\s+(PGD|P4D|PUD|PMD|PTE): ([0-9a-f]+) => ([0-9a-f]+)");

    /** The section after {@code ### CMD: <command>} in {@code crashTxt}. */
    static CrashVtop parse(String crashTxt, String command) {
        int start = crashTxt.indexOf("### CMD: " + command + "\n");
        if (start < 0) throw new IllegalStateException("crash.txt has no '" + command + "' section");
        int end = crashTxt.indexOf("### CMD:", start + 1);
        var lines = crashTxt.substring(start, end < 0 ? crashTxt.length() : end).split("\n");
        long vaddr = 0, paddr = 0;
        boolean found = false;
        var entries = new ArrayList<Entry>();
        for (int i = 0; i < lines.length; i++) {
            var line = lines[i];
            if (line.startsWith("VIRTUAL") && !found) {
                found = true;
                var f = lines[i + 1].trim().split("\\s+");
                vaddr = Long.parseUnsignedLong(f[0], 16);
                paddr = Long.parseUnsignedLong(f[1], 16);
            } else if (line.startsWith("PAGE DIRECTORY: ")) {
                entries.add(new Entry("PGD", -1, Long.parseUnsignedLong(line.substring(16).trim(), 16)));
            } else {
                var m = ENTRY.matcher(line);
                if (m.find()) entries.add(new Entry(m.group(1), Long.parseUnsignedLong(m.group(2), 16),
                        Long.parseUnsignedLong(m.group(3), 16)));
            }
        }
        if (!found || entries.isEmpty()) throw new IllegalStateException("cannot parse crash's '" + command + "'");
        return new CrashVtop(vaddr, paddr, entries);
    }

    /** The first line of {@code crashTxt}'s section for {@code command} after a line starting with {@code header}. */
    static String lineAfter(String crashTxt, String command, String header) {
        int start = crashTxt.indexOf("### CMD: " + command + "\n");
        int h = crashTxt.indexOf("\n" + header, start);
        int lineStart = crashTxt.indexOf('\n', h + 1) + 1;
        return crashTxt.substring(lineStart, crashTxt.indexOf('\n', lineStart));
    }
}
