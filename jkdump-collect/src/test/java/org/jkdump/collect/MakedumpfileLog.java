package org.jkdump.collect;

import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Pattern;

/** The "Excluded pages" block of a makedumpfile --message-level 31 log: counts per class. */
record MakedumpfileLog(Map<PageClass, Long> excluded, long remaining) {
    static MakedumpfileLog parse(String log) {
        var m = new EnumMap<PageClass, Long>(PageClass.class);
        for (var c : PageClass.values()) {
            var p = Pattern.compile("^\\s*" + Pattern.quote(c.label()) + "\\s*: 0x([0-9a-f]+)", Pattern.MULTILINE).matcher(log);
            if (!p.find()) throw new IllegalArgumentException("no \"" + c.label() + "\" line in the log");
            m.put(c, Long.parseLong(p.group(1), 16));
        }
        var r = Pattern.compile("^\\s*Remaining pages\\s*: 0x([0-9a-f]+)", Pattern.MULTILINE).matcher(log);
        if (!r.find()) throw new IllegalArgumentException("no \"Remaining pages\" line in the log");
        return new MakedumpfileLog(m, Long.parseLong(r.group(1), 16));
    }
}
