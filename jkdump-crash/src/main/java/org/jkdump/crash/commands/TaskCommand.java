package org.jkdump.crash.commands;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.jkdump.crash.CommandException;
import org.jkdump.crash.CommandSpec;
import org.jkdump.crash.CrashCommand;
import org.jkdump.crash.GdbValues;
import org.jkdump.crash.Getopt;
import org.jkdump.crash.Session;
import org.jkdump.kernel.KObject;
import org.jkdump.kernel.btf.BtfType;
import org.jkdump.kernel.helpers.Tasks;

/**
 * {@code task}: a task's {@code struct task_struct} as gdb prints it, after crash's
 * {@code PID: ... TASK: ...} line; {@code -R} limits it to the members named. Without an
 * operand, the context task. The task's {@code struct thread_info} follows, as crash shows it
 * (on x86-64 it is the first member of task_struct). An operand that names no task (a pid
 * whose task_struct the dump lacks, say) is reported as crash's cmd_task reports it, followed
 * by a blank line, before the tasks found; when no operand names a task the command fails.
 */
public final class TaskCommand implements CrashCommand<TaskCommand.Options, TaskCommand.Result> {
    public record Options(List<String> members, List<String> tasks) {
    }

    /** @param threadInfo the task's struct thread_info (inside task_struct on x86-64), empty with -R */
    public record Entry(int pid, long task, int cpu, String comm, List<StructCommand.Field> fields, boolean whole,
                        List<StructCommand.Field> threadInfo) {
    }

    /** @param invalid the operands that named no task, in their order */
    public record Result(List<String> invalid, List<Entry> tasks) {
    }

    @Override
    public CommandSpec spec() {
        return CommandSpec.of("task", "task [-R member[,member]] [pid | taskp] ...", "task_struct contents",
                """
                Shows the task_struct of the context task, or of each pid or task address given.
                  -R member[,member]  only these members
                  crash> task 143
                  crash> task -R comm,pid,mm""");
    }

    @Override
    public Options parse(List<String> args) {
        var g = Getopt.parse("task", args, "R:");
        var members = new ArrayList<String>();
        for (var v : g.values('R')) members.addAll(List.of(v.split(",")));
        return new Options(members, g.operands());
    }

    @Override
    public Result run(Session session, Options o) {
        var k = session.kernel();
        var types = k.types();
        var type = types.struct("task_struct");
        var values = new GdbValues(types, k.memory(), k.symbols(), false);
        var out = new ArrayList<Entry>();
        var invalid = new ArrayList<String>();
        var selected = new ArrayList<Tasks.Task>();
        if (o.tasks().isEmpty()) selected.addAll(TaskSelection.of(session, List.of()));
        for (var w : o.tasks()) {
            var named = TaskSelection.named(session, w);
            if (named.isEmpty()) invalid.add(w);
            selected.addAll(named);
        }
        // crash's cmd_task prints "invalid task or pid value: %s\n\n": the shell's line, then a blank one
        if (selected.isEmpty() && !invalid.isEmpty())
            throw new CommandException(invalid.stream().map(TaskCommand::invalidMessage).collect(Collectors.joining("\n\ntask: ")) + "\n");
        for (var t : selected) {
            var obj = KObject.at(types, k.memory(), (BtfType) type, t.address());
            List<StructCommand.Field> threadInfo = List.of();
            if (o.members().isEmpty() && types.find("struct thread_info").orElse(null) instanceof BtfType.Struct ti
                    && types.hasMember(type, "thread_info") && types.offsetOf(type, "thread_info") == 0)
                threadInfo = StructCommand.fields(types, values, KObject.at(types, k.memory(), (BtfType) ti, t.address()), ti, List.of());
            out.add(new Entry(t.pid(), t.address(), t.cpu(), t.comm(), StructCommand.fields(types, values, obj, type, o.members()),
                    o.members().isEmpty(), threadInfo));
        }
        return new Result(List.copyOf(invalid), out);
    }

    private static String invalidMessage(String word) {
        return "invalid task or pid value: " + word;
    }

    /** A pid (its first task) or a task address, as crash's task operands. */
    static Tasks.Task find(Session session, String word) {
        return TaskSelection.named(session, word).stream().findFirst().orElseThrow(() -> new CommandException(invalidMessage(word)));
    }

    @Override
    public void renderText(Result r, PrintWriter out) {
        for (var w : r.invalid()) {
            out.println("task: " + invalidMessage(w));
            out.println();
        }
        for (var e : r.tasks()) {
            out.println(Bt.header(e.pid(), e.task(), e.cpu(), e.comm()));
            var obj = new StructCommand.Instance("struct task_struct", e.task(), e.whole(), e.fields());
            var render = new StructCommand("struct");
            render.renderText(new StructCommand.Objects(List.of(obj)), out);
            if (!e.threadInfo().isEmpty()) {
                // crash shows the thread_info after the task, between blank lines, even when it lives inside it
                out.println();
                render.renderText(new StructCommand.Objects(List.of(new StructCommand.Instance("struct thread_info", e.task(), true, e.threadInfo()))), out);
                out.println();
            }
        }
    }
}
