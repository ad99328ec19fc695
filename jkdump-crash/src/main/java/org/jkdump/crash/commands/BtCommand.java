package org.jkdump.crash.commands;

import java.io.PrintWriter;
import java.util.List;
import java.util.function.Function;
import org.jkdump.crash.CommandSpec;
import org.jkdump.crash.CrashCommand;
import org.jkdump.crash.Session;

/**
 * crash's {@code bt}: backtraces from the dump's ORC tables, without debuginfo. The session
 * supplies the task list, context task and unwinder through {@code context}.
 */
public final class BtCommand implements CrashCommand<BtOptions, BtResult> {
    private static final CommandSpec SPEC = CommandSpec.of("bt", "bt [-a] [-f] [-r] [pid | task ...]",
            "backtrace",
            """
            Display a kernel stack backtrace, unwound with the ORC tables in the dump (no vmlinux
            or debuginfo needed). Without arguments, the context task's.
              -a     the task running on each CPU at the crash
              -f     each frame's stack words
              -r     the raw stack of the task
              pid    a process ID; task: a task_struct address in hex
            Frames show the stack slot of the return address, the function and the address:
               #0 [ffffcf92000138a0] machine_kexec at ffffffffb6a7754f
            exception frames the saved registers, and "--- <NMI exception stack> ---" marks a
            switch between stacks.""");

    private final Function<Session, BtContext> context;

    public BtCommand(Function<Session, BtContext> context) {
        this.context = context;
    }

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public BtOptions parse(List<String> args) {
        return BtOptions.parse(args);
    }

    @Override
    public BtResult run(Session session, BtOptions options) {
        return Bt.run(context.apply(session), options);
    }

    @Override
    public void renderText(BtResult result, PrintWriter out) {
        Bt.renderText(result, out);
    }
}
