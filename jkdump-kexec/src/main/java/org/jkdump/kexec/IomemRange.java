package org.jkdump.kexec;

import java.util.ArrayList;
import java.util.List;
import org.jkdump.format.JkdumpException;

/**
 * One line of /proc/iomem: an inclusive physical address range, its name and its nesting
 * depth (two spaces of indentation per level, as kernel/resource.c prints it).
 */
public record IomemRange(long start, long end, String name, int depth) {
    public long size() {
        return end - start + 1;
    }

    /** Parses the whole of /proc/iomem; {@code source} names the file in messages. */
    public static List<IomemRange> parse(String text, String source) {
        var out = new ArrayList<IomemRange>();
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            if (line.isBlank()) continue;
            int indent = 0;
            while (indent < line.length() && line.charAt(indent) == ' ') indent++;
            int dash = line.indexOf('-', indent), colon = line.indexOf(" : ", indent);
            if (dash < 0 || colon < 0 || dash > colon)
                throw new JkdumpException(source + ": line " + lineNo + ": not 'START-END : NAME': " + line.strip());
            try {
                long start = Long.parseUnsignedLong(line.substring(indent, dash), 16);
                long end = Long.parseUnsignedLong(line.substring(dash + 1, colon), 16);
                out.add(new IomemRange(start, end, line.substring(colon + 3), indent / 2));
            } catch (NumberFormatException e) {
                throw new JkdumpException(source + ": line " + lineNo + ": bad hexadecimal address: " + line.strip());
            }
        }
        return List.copyOf(out);
    }
}
