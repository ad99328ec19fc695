package org.jkdump.crash;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.jkdump.crash.commands.PsCommand.Row;
import org.jkdump.kernel.helpers.MemInfo;
import org.jkdump.kernel.helpers.MmUsage;
import org.jkdump.kernel.helpers.Tasks;

/** The task list as ps rows (with memory use and the active-task marks), read once per session. */
public record TaskTable(List<Row> rows, Map<Long, Tasks.Task> byAddress) {

    public static TaskTable of(Session s) {
        return s.taskTable();
    }

    static TaskTable build(Session s) {
        var k = s.kernel();
        var tasks = s.tasks();
        var active = new HashSet<>(Tasks.active(k));
        // crash's %MEM is RSS over the pages below high_memory (holes included), not totalram_pages
        long totalRam = Math.max(1, MemInfo.directMapPages(k).orElseGet(() -> MemInfo.presentPages(k)));
        int pageKb = k.memory().physical().pageSize() / 1024;
        var rows = new ArrayList<Row>();
        var by = new HashMap<Long, Tasks.Task>();
        for (var t : tasks) {
            var mm = MmUsage.of(k, t, tasks);
            rows.add(new Row(active.contains(t.address()), t.pid(), t.ppid(), t.cpu(), t.address(), Tasks.stateLetters(t.state()),
                    mm.rssPages() * 100.0 / totalRam, mm.totalVmPages() * pageKb, mm.rssPages() * pageKb, t.comm(), t.kernelThread()));
            by.put(t.address(), t);
        }
        return new TaskTable(List.copyOf(rows), Map.copyOf(by));
    }

    public boolean isGroupLeader(long task) {
        var t = byAddress.get(task);
        return t != null && t.pid() == t.tgid();
    }

    public List<Row> ancestors(Row r) {
        var chain = new ArrayList<Row>();
        var t = byAddress.get(r.task());
        int guard = 0;
        while (t != null && t.parent() != t.address() && t.parent() != 0 && guard++ < 10000) {
            var p = byAddress.get(t.parent());
            if (p == null) break;
            chain.addFirst(row(p.address()));
            if (p.pid() == 0) break;
            t = p;
        }
        return chain;
    }

    public List<Row> children(Row r) {
        return rows.stream().filter(c -> {
            var t = byAddress.get(c.task());
            return t != null && t.parent() == r.task() && c.task() != r.task();
        }).toList();
    }

    public Row row(long task) {
        return rows.stream().filter(r -> r.task() == task).findFirst().orElseThrow();
    }

    /** A ps operand: a pid, a task address (hex) or a command name. */
    public static boolean matches(Row r, String selector) {
        if (selector.matches("\\d+")) return r.pid() == Long.parseLong(selector);
        if (selector.matches("(0x)?[0-9a-fA-F]{9,16}")) return r.task() == Long.parseUnsignedLong(selector.replaceFirst("^0x", ""), 16);
        return r.comm().equals(selector);
    }
}
