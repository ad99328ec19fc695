package org.jkdump.crash;

import org.jkdump.kernel.helpers.Panic;
import org.jkdump.kernel.helpers.Tasks;

/**
 * The task that crashed: the task running on the CPU the panic/oops report names
 * ("CPU: N PID: P"), or, without a report, the task running on the CPU of the first
 * NT_PRSTATUS note (the CPU that called crash_kexec() saves its registers first).
 */
public final class PanicTask {
    private PanicTask() {
    }

    static int cpu(Session s) {
        var p = Panic.fromLog(s.log().stream().map(Session.LogLine::text).toList());
        if (p.isPresent() && p.get().cpu().isPresent()) return p.get().cpu().getAsInt();
        var states = s.kernel().dump().cpuStates();
        return states.isEmpty() ? 0 : states.getFirst().cpu();
    }

    /** The panic task's task_struct address. */
    public static long address(Session s) {
        var active = Tasks.active(s.kernel());
        int cpu = cpu(s);
        return active.get(Math.min(cpu, active.size() - 1));
    }
}
