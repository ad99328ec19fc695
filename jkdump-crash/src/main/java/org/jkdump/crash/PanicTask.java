package org.jkdump.crash;

import java.util.OptionalInt;
import java.util.OptionalLong;
import org.jkdump.kernel.VirtualMemoryException;
import org.jkdump.kernel.helpers.Panic;
import org.jkdump.kernel.helpers.Tasks;

/**
 * The task that crashed: the task running on the CPU that crashed. That CPU is the one the
 * kernel recorded in {@code crashing_cpu} (arch/x86/kernel/reboot.c: -1 until
 * nmi_shootdown_cpus() on the kdump path sets it), else the one the panic/oops report names
 * ("CPU: N PID: P"). A dump taken without a crash (QEMU's dump-guest-memory of a running
 * guest) has neither: it has no panic task, and the context is then init_task (swapper/0),
 * as crash's is.
 */
public final class PanicTask {
    private PanicTask() {
    }

    /** The CPU that crashed, when the dump shows one. */
    static OptionalInt panicCpu(Session s) {
        var k = s.kernel();
        int online = Tasks.active(k).size();
        var crashing = k.symbols().address("crashing_cpu");
        if (crashing.isPresent()) {
            try {
                int cpu = (int) k.memory().u32(crashing.getAsLong());
                if (cpu >= 0 && cpu < online) return OptionalInt.of(cpu);
            } catch (VirtualMemoryException e) {
                // its page is not in the dump: the log still names the CPU
            }
        }
        var p = Panic.fromLog(s.log().stream().map(Session.LogLine::text).toList());
        if (p.isPresent() && p.get().cpu().isPresent() && p.get().cpu().getAsInt() < online) return p.get().cpu();
        return OptionalInt.empty();
    }

    /** The CPU that crashed, or without one the CPU of the first NT_PRSTATUS note (0 when there is none). */
    static int cpu(Session s) {
        var p = panicCpu(s);
        if (p.isPresent()) return p.getAsInt();
        var states = s.kernel().dump().cpuStates();
        return states.isEmpty() ? 0 : states.getFirst().cpu();
    }

    /** The panic task's task_struct address, when the dump has one. */
    public static OptionalLong find(Session s) {
        var cpu = panicCpu(s);
        return cpu.isPresent() ? OptionalLong.of(Tasks.active(s.kernel()).get(cpu.getAsInt())) : OptionalLong.empty();
    }

    /** The panic task's task_struct address, or init_task's when the dump shows no crash: the initial context. */
    public static long address(Session s) {
        return find(s).orElseGet(() -> s.kernel().symbols().address("init_task").orElseThrow());
    }
}
