package org.jkdump.crash;

import java.util.ArrayList;
import java.util.List;
import org.jkdump.kernel.Kernel;
import org.jkdump.kernel.helpers.Printk;

/** The kernel log as lines for commands: each printk record's text, with its timestamp in seconds. */
final class LogSource {
    private LogSource() {
    }

    static List<Session.LogLine> lines(Kernel k) {
        var out = new ArrayList<Session.LogLine>();
        for (var r : Printk.records(k)) out.add(new Session.LogLine(r.timestampNs() / 1e9, r.textString()));
        return out;
    }
}
