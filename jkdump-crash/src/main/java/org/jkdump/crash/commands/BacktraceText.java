package org.jkdump.crash.commands;

import java.io.PrintWriter;
import java.util.List;
import org.jkdump.kernel.unwind.Backtrace;
import org.jkdump.kernel.unwind.CodeSymbol;
import org.jkdump.kernel.unwind.ExceptionFrame;
import org.jkdump.kernel.unwind.Frame;
import org.jkdump.kernel.unwind.StackTransition;

/**
 * Writes a backtrace in crash's x86-64 {@code bt} layout: the task header, numbered frames
 * {@code #N [slot] function at pc} (with {@code [module]} after module code), exception frames
 * as {@code [exception RIP: fn+off]} and crash's register block, user-mode entry registers
 * without the RIP line, and {@code --- <NMI exception stack> ---} where the walk changes
 * stack. As crash does, the function an exception interrupted gets its own numbered line
 * only after a stack switch (on the same stack the exception RIP line stands for it).
 */
public final class BacktraceText {
    private BacktraceText() {
    }

    /** crash's task header: {@code PID: 1        TASK: ffff8efe81203080  CPU: 1    COMMAND: "init"}. */
    public static String header(int pid, long task, int cpu, String command) {
        return String.format("PID: %-8d TASK: %016x  CPU: %-4d COMMAND: \"%s\"", pid, task, cpu, command);
    }

    /** The frame lines of {@code bt}, optionally with each frame's stack words ({@code bt -f}). */
    public static void render(Backtrace bt, List<List<Long>> frameWords, PrintWriter out) {
        int level = 0, frameIndex = -1;
        boolean afterSwitch = false;
        var frames = bt.frames();
        for (var e : bt.entries()) {
            switch (e) {
                case Frame f -> {
                    frameIndex = frames.indexOf(f);
                    if (f.kind() == Frame.Kind.INTERRUPTED && !afterSwitch) continue;
                    afterSwitch = false;
                    out.println(frameLine(level++, f));
                    if (frameWords != null && frameIndex < frameWords.size()) words(f.slot() + 8, frameWords.get(frameIndex), out);
                }
                case ExceptionFrame x -> registers(x, out);
                case StackTransition t -> {
                    out.println("--- " + t.from().label() + " ---");
                    afterSwitch = true;
                }
            }
        }
        if (!bt.complete()) bt.problem().ifPresent(p -> out.println("bt: unwind stopped: " + p));
    }

    static String frameLine(int level, Frame f) {
        var name = f.function().map(CodeSymbol::name).orElse(String.format("%016x", f.pc()));
        var module = f.function().flatMap(CodeSymbol::module).map(m -> " [" + m + "]").orElse("");
        return String.format("%s#%d [%016x] %s at %016x%s", level < 10 ? " " : "", level, f.slot(), name, f.pc(), module);
    }

    /** crash's register block for a pt_regs; kernel-mode ones start with the exception RIP line. */
    static void registers(ExceptionFrame x, PrintWriter out) {
        var r = x.registers();
        if (!x.userMode()) {
            var where = x.ripFunction().map(f -> f.offset(r.rip()) == 0 ? f.name() : f.name() + "+" + f.offset(r.rip()))
                    .orElse(String.format("%016x", r.rip()));
            out.println("    [exception RIP: " + where + "]");
        }
        out.printf("    RIP: %016x  RSP: %016x  RFLAGS: %08x%n", r.rip(), r.rsp(), r.eflags());
        if (x.partial()) {
            out.printf("    CS: %04x  SS: %04x%n", r.cs(), r.ss());
            return;
        }
        out.printf("    RAX: %016x  RBX: %016x  RCX: %016x%n", r.rax(), r.rbx(), r.rcx());
        out.printf("    RDX: %016x  RSI: %016x  RDI: %016x%n", r.rdx(), r.rsi(), r.rdi());
        out.printf("    RBP: %016x   R8: %016x   R9: %016x%n", r.rbp(), r.r8(), r.r9());
        out.printf("    R10: %016x  R11: %016x  R12: %016x%n", r.r10(), r.r11(), r.r12());
        out.printf("    R13: %016x  R14: %016x  R15: %016x%n", r.r13(), r.r14(), r.r15());
        out.printf("    ORIG_RAX: %016x  CS: %04x  SS: %04x%n", r.origRax(), r.cs(), r.ss());
    }

    /** Stack words from {@code start}, two to a line, as {@code bt -f} shows a frame's contents. */
    static void words(long start, List<Long> values, PrintWriter out) {
        for (int i = 0; i < values.size(); i += 2) {
            var sb = new StringBuilder(String.format("    %016x: ", start + 8L * i));
            for (int j = i; j < Math.min(i + 2, values.size()); j++) sb.append(String.format("%016x ", values.get(j)));
            out.println(sb);
        }
    }

}
