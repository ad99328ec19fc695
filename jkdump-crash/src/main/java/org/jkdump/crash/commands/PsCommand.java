package org.jkdump.crash.commands;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.jkdump.crash.CommandSpec;
import org.jkdump.crash.CrashCommand;
import org.jkdump.crash.CrashFormat;
import org.jkdump.crash.Getopt;
import org.jkdump.crash.Session;
import org.jkdump.crash.TaskTable;
import org.jkdump.crash.UsageException;

/**
 * {@code ps}: the task list with crash's columns (PID, PPID, CPU, TASK, ST, %MEM, VSZ, RSS,
 * COMM), {@code >} marking the task active on each CPU; {@code -p} parents, {@code -c}
 * children, {@code -u}/{@code -k} user or kernel threads only, {@code -G} thread-group
 * leaders only; operands select by pid, task address or command name.
 */
public final class PsCommand implements CrashCommand<PsCommand.Options, PsCommand.Result> {
    public enum Mode { TABLE, PARENTS, CHILDREN }

    public record Options(Mode mode, boolean userOnly, boolean kernelOnly, boolean groupLeaders, List<String> selectors) {
    }

    /** One row of the table. {@code pctMem} is RSS over total RAM in percent. */
    public record Row(boolean active, long pid, long ppid, int cpu, long task, String state, double pctMem,
                      long vszKb, long rssKb, String comm, boolean kernelThread) {
    }

    /** One task with its ancestors (-p, outermost first) or children (-c). */
    public record Family(Row task, List<Row> related) {
    }

    public record Result(Mode mode, List<Row> rows, List<Family> families) {
    }

    @Override
    public CommandSpec spec() {
        return CommandSpec.of("ps", "ps [-k|-u|-G] [-p|-c] [pid | task | command] ...", "display process status information",
                """
                Lists the tasks: PID, parent PID, CPU, task_struct address, state (RU IN UN
                ID ZO ST TR DE PA WA NE), %MEM, VSZ and RSS in KB, and the command (kernel
                threads in brackets). '>' marks the task running on each CPU at the crash.
                  -k  kernel threads only      -u  user tasks only
                  -G  thread-group leaders only
                  -p  each task's parents, from swapper down
                  -c  each task's children
                Operands select tasks by PID, task address (hex) or command name.
                  crash> ps
                  crash> ps -u
                  crash> ps -p 143
                  crash> ps sleep""");
    }

    @Override
    public Options parse(List<String> args) {
        var g = Getopt.parse("ps", args, "kuGpct");
        if (g.has('t')) throw new UsageException("ps", "-t (thread run times) is not supported yet");
        if (g.has('k') && g.has('u')) throw new UsageException("ps", "-k and -u exclude each other");
        var mode = g.has('p') ? Mode.PARENTS : g.has('c') ? Mode.CHILDREN : Mode.TABLE;
        return new Options(mode, g.has('u'), g.has('k'), g.has('G'), g.operands());
    }

    @Override
    public Result run(Session session, Options o) {
        var table = TaskTable.of(session);
        var selected = new ArrayList<Row>();
        for (var r : table.rows()) {
            if (o.userOnly() && r.kernelThread()) continue;
            if (o.kernelOnly() && !r.kernelThread()) continue;
            if (o.groupLeaders() && !table.isGroupLeader(r.task())) continue;
            if (!o.selectors().isEmpty() && o.selectors().stream().noneMatch(s -> TaskTable.matches(r, s))) continue;
            selected.add(r);
        }
        return switch (o.mode()) {
            case TABLE -> new Result(o.mode(), selected, List.of());
            case PARENTS -> new Result(o.mode(), List.of(), selected.stream().map(r -> new Family(r, table.ancestors(r))).toList());
            case CHILDREN -> new Result(o.mode(), List.of(), selected.stream().map(r -> new Family(r, table.children(r))).toList());
        };
    }

    @Override
    public void renderText(Result r, PrintWriter out) {
        switch (r.mode()) {
            case TABLE -> {
                out.println("      PID    PPID  CPU       TASK        ST  %MEM      VSZ      RSS  COMM");
                for (var row : r.rows()) out.println(line(row));
            }
            case PARENTS -> {
                // crash ends every family with a blank line, the last one too
                for (var f : r.families()) {
                    var chain = new ArrayList<>(f.related());
                    chain.add(f.task());
                    for (int i = 0; i < chain.size(); i++) out.println(" ".repeat(i) + header(chain.get(i)));
                    out.println();
                }
            }
            case CHILDREN -> {
                boolean first = true;
                for (var f : r.families()) {
                    if (!first) out.println();
                    first = false;
                    out.println(header(f.task()));
                    if (f.related().isEmpty()) out.println("  (no children)");
                    for (var c : f.related()) out.println("  " + header(c));
                }
            }
        }
    }

    /** crash's show_ps_data() line. */
    static String line(Row r) {
        var pct = CrashFormat.fixed(r.pctMem(), 1);
        if (pct.length() == 3) pct = " " + pct;
        return String.format("%s%7d %7d %3d  %016x %3s%s%s %8d %8d  %s", r.active() ? "> " : "  ", r.pid(), r.ppid(), r.cpu(),
                r.task(), r.state(), r.state().length() > 3 ? " " : "  ", pct, r.vszKb(), r.rssKb(),
                r.kernelThread() ? "[" + r.comm() + "]" : r.comm());
    }

    /** crash's print_task_header(): {@code PID: 1  TASK: ...  CPU: 1  COMMAND: "init"}. */
    public static String header(Row r) {
        return String.format("PID: %-8d TASK: %016x  CPU: %-3d  COMMAND: \"%s\"", r.pid(), r.task(), r.cpu(), r.comm());
    }
}
