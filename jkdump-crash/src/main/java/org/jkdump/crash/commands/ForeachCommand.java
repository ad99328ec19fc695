package org.jkdump.crash.commands;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jkdump.crash.CommandException;
import org.jkdump.crash.CommandRegistry;
import org.jkdump.crash.CommandSpec;
import org.jkdump.crash.CrashCommand;
import org.jkdump.crash.Session;
import org.jkdump.crash.TaskTable;
import org.jkdump.crash.UsageException;
import org.jkdump.kernel.helpers.Tasks;

/**
 * {@code foreach}: one of the per-task commands ({@code bt}, {@code task}, {@code files},
 * {@code vm}, {@code set}) run for every task in ps order, or only for those selected by pid,
 * task address, command name ({@code \name} when the name is a keyword), state
 * ({@code RU IN UN ZO ST TR DE PA WA ID NE}) or {@code kernel}/{@code user}. The command's
 * own flags follow it.
 */
public final class ForeachCommand implements CrashCommand<ForeachCommand.Options, ForeachCommand.Result> {
    private static final Set<String> PER_TASK = Set.of("bt", "task", "files", "vm", "set");
    private static final Set<String> STATES = Set.of("RU", "IN", "UN", "ZO", "ST", "TR", "DE", "PA", "WA", "ID", "NE");

    private final CommandRegistry registry;

    public ForeachCommand(CommandRegistry registry) {
        this.registry = registry;
    }

    /** @param selectors which tasks (empty: all); @param command the per-task command and its flags */
    public record Options(List<String> selectors, String command, List<String> args) {
    }

    /** One task's turn: which task, and the command's result for it. */
    public record Entry(int pid, long task, String comm, Object result) {
    }

    public record Result(String command, List<Entry> entries) {
    }

    @Override
    public CommandSpec spec() {
        return CommandSpec.of("foreach", "foreach [pid | taskp | name | state | kernel | user] ... command [flags]",
                "display command data for multiple tasks",
                """
                Runs bt, task, files, vm or set for every task, in ps order, or for the tasks
                selected by pid, task address, command name (\\name for a name that is also a
                keyword), state (RU IN UN ZO ST TR DE PA WA ID NE), kernel or user. Flags after
                the command are the command's own.
                  crash> foreach bt
                  crash> foreach markerproc files
                  crash> foreach UN bt""");
    }

    @Override
    public Options parse(List<String> args) {
        int i = 0;
        while (i < args.size() && !PER_TASK.contains(args.get(i))) i++;
        if (i == args.size()) throw new UsageException("foreach", "a command is needed: one of " + String.join(", ", new java.util.TreeSet<>(PER_TASK)));
        return new Options(List.copyOf(args.subList(0, i)), args.get(i), List.copyOf(args.subList(i + 1, args.size())));
    }

    @Override
    public Result run(Session session, Options o) {
        var command = registry.find(o.command()).orElseThrow(() -> new CommandException("no command " + o.command()));
        var table = TaskTable.of(session);
        long saved = session.context();
        var out = new ArrayList<Entry>();
        try {
            for (var row : table.rows()) {
                var task = table.byAddress().get(row.task());
                if (!selected(task, row.state(), o.selectors())) continue;
                var args = new ArrayList<>(o.args());
                // set takes the task as its operand and changes the context; foreach restores it after
                args.add(Long.toHexString(task.address()));
                out.add(new Entry(task.pid(), task.address(), task.comm(), runOne(command, session, args)));
            }
        } finally {
            session.context(saved);
        }
        if (out.isEmpty() && !o.selectors().isEmpty()) throw new CommandException("no task matches " + String.join(" ", o.selectors()));
        return new Result(o.command(), out);
    }

    private static <O, R> Rendered runOne(CrashCommand<O, R> command, Session session, List<String> args) {
        R r = command.run(session, command.parse(args));
        var text = new StringWriter();
        var pw = new PrintWriter(text);
        command.renderText(r, pw);
        pw.flush();
        return new Rendered(r, text.toString());
    }

    /** A command's result and its text, kept together so that JSON gets the record and text the layout. */
    public record Rendered(Object value, @com.fasterxml.jackson.annotation.JsonIgnore String text) {
    }

    private static boolean selected(Tasks.Task t, String state, List<String> selectors) {
        if (selectors.isEmpty()) return true;
        for (var s : selectors) {
            if (s.equals("kernel") && t.kernelThread()) return true;
            if (s.equals("user") && !t.kernelThread()) return true;
            if (STATES.contains(s) && state.equals(s)) return true;
            if (s.matches("\\d+") && t.pid() == Long.parseLong(s)) return true;
            if (s.matches("(0x)?[0-9a-fA-F]{9,16}") && t.address() == Long.parseUnsignedLong(s.replaceFirst("^0x", ""), 16)) return true;
            var name = s.startsWith("\\") ? s.substring(1) : s;
            if (t.comm().equals(name)) return true;
        }
        return false;
    }

    @Override
    public void renderText(Result r, PrintWriter out) {
        boolean first = true;
        for (var e : r.entries()) {
            var text = ((Rendered) e.result()).text();
            // tasks are set apart by a blank line, as crash does; files ends its own with one
            if (!first) out.println();
            out.print(text.endsWith("\n\n") ? text.substring(0, text.length() - 1) : text);
            first = false;
        }
        if (!first && r.command().equals("files")) out.println();
    }
}
