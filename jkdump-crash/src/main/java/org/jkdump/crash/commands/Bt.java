package org.jkdump.crash.commands;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.jkdump.crash.CommandException;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.KernelMemory;
import org.jkdump.kernel.unwind.Backtrace;
import org.jkdump.kernel.unwind.CodeSymbol;
import org.jkdump.kernel.unwind.CpuRegisters;
import org.jkdump.kernel.unwind.ExceptionFrame;
import org.jkdump.kernel.unwind.Frame;
import org.jkdump.kernel.unwind.StackRange;
import org.jkdump.kernel.unwind.StackTransition;

/**
 * crash's {@code bt} over the ORC unwinder: picks the tasks, turns each {@link Backtrace}
 * into the lines crash prints, and writes them in crash's x86-64 layout — the task header,
 * numbered frames {@code #N [slot] function at pc} ({@code [module]} after module code),
 * {@code [exception RIP: fn+off]} with crash's register block, user-mode entry registers
 * without the RIP line, and {@code --- <NMI exception stack> ---} where the walk changes
 * stack. As crash does, the function an exception interrupted gets a numbered line of its
 * own only after a stack switch; on the same stack the exception RIP line stands for it.
 */
public final class Bt {
    /** Stack words shown by {@code bt -f} for one frame at most (a corrupt slot must not dump the stack). */
    private static final int MAX_FRAME_WORDS = 4096;

    private Bt() {
    }

    public static BtResult run(BtContext ctx, BtOptions o) {
        var tasks = select(ctx, o);
        var out = new ArrayList<TaskBacktrace>();
        for (var t : tasks) out.add(trace(ctx, t, o));
        return new BtResult(out);
    }

    /** {@code foreach bt}: every task in pid order. */
    public static BtResult forEach(BtContext ctx, BtOptions o) {
        var out = new ArrayList<TaskBacktrace>();
        for (var t : ctx.tasks()) out.add(trace(ctx, t, o));
        return new BtResult(out);
    }

    static List<BtTask> select(BtContext ctx, BtOptions o) {
        var all = ctx.tasks();
        if (o.allCpus()) {
            return all.stream().filter(t -> t.activeCpu().isPresent())
                    .sorted(java.util.Comparator.comparingInt(t -> t.activeCpu().getAsInt())).toList();
        }
        if (o.targets().isEmpty()) {
            long ctxTask = ctx.contextTask();
            return List.of(all.stream().filter(t -> t.address() == ctxTask).findFirst()
                    .orElseThrow(() -> new CommandException("bt: context task " + Long.toHexString(ctxTask) + " is not in the task list")));
        }
        var out = new ArrayList<BtTask>();
        for (var target : o.targets()) out.add(find(all, target));
        return out;
    }

    /** A PID (decimal) or a task_struct address (hex, with or without 0x), as crash takes them. */
    static BtTask find(List<BtTask> all, String target) {
        if (target.matches("\\d+")) {
            int pid = Integer.parseInt(target);
            var byPid = all.stream().filter(t -> t.pid() == pid).findFirst();
            if (byPid.isPresent()) return byPid.get();
        }
        try {
            long addr = Long.parseUnsignedLong(target.startsWith("0x") ? target.substring(2) : target, 16);
            var byAddr = all.stream().filter(t -> t.address() == addr).findFirst();
            if (byAddr.isPresent()) return byAddr.get();
        } catch (NumberFormatException e) {
            throw new CommandException("bt: invalid task or pid value: " + target);
        }
        throw new CommandException("bt: invalid task or pid value: " + target);
    }

    static TaskBacktrace trace(BtContext ctx, BtTask t, BtOptions o) {
        Backtrace bt;
        try {
            bt = ctx.unwinder().backtrace(t.address(), t.activeCpu());
        } catch (JkdumpException e) {
            return new TaskBacktrace(t.pid(), t.address(), t.cpu(), t.command(), List.of(), Optional.of(e.getMessage()), false, 0, List.of());
        }
        var lines = lines(bt, o.frameContents() ? ctx.memory() : null, ctx.cpuRegistersShown());
        long rawStart = 0;
        List<Long> raw = List.of();
        if (o.rawStack()) {
            var stack = ctx.unwinder().stacks(t.address(), t.activeCpu()).ranges().stream()
                    .filter(r -> r.kind() == StackRange.Kind.TASK).findFirst();
            if (stack.isPresent()) {
                rawStart = stack.get().start();
                raw = words(ctx.memory(), rawStart, stack.get().end());
            }
        }
        return new TaskBacktrace(t.pid(), t.address(), t.cpu(), t.command(), lines, bt.problem(), bt.complete(), rawStart, raw);
    }

    /** The lines crash shows for {@code bt}: numbered frames, register blocks, stack switches. */
    static List<BtLine> lines(Backtrace bt, KernelMemory frameMemory) {
        return lines(bt, frameMemory, true);
    }

    /**
     * @param cpuRegistersShown the dump's format is one whose CPU registers crash prints where a
     *                          walk starts from them (kdump-compressed, QEMU's ELF); then the frame
     *                          of rip's function is not numbered, as after any exception RIP
     */
    static List<BtLine> lines(Backtrace bt, KernelMemory frameMemory, boolean cpuRegistersShown) {
        var out = new ArrayList<BtLine>();
        var entries = bt.entries();
        int level = 0;
        boolean afterSwitch = false, skipStart = false;
        StackTransition lastSwitch = null;
        for (int i = 0; i < entries.size(); i++) {
            switch (entries.get(i)) {
                case CpuRegisters c -> {
                    var r = c.registers().asMap();
                    Map<String, Long> regs = new LinkedHashMap<>();
                    for (var name : List.of("rip", "rsp", "eflags", "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8", "r9",
                            "r10", "r11", "r12", "r13", "r14", "r15", "cs", "ss")) regs.put(name, r.get(name));
                    var rip = c.userMode() ? "user space" : c.ripFunction()
                            .map(fn -> fn.offset(c.registers().rip()) == 0 ? fn.name() : fn.name() + "+" + fn.offset(c.registers().rip()))
                            .orElse(String.format("%016x", c.registers().rip()));
                    // without the block (a kernel's ELF /proc/vmcore) crash numbers rip's frame as #0 instead
                    if (c.userMode() || cpuRegistersShown) out.add(new BtLine.CpuRegistersLine(rip, c.userMode(), cpuRegistersShown, regs));
                    skipStart = cpuRegistersShown;
                }
                case Frame f -> {
                    if (skipStart && f.kind() == Frame.Kind.START) {
                        skipStart = false;
                        continue;
                    }
                    if (f.kind() == Frame.Kind.INTERRUPTED && !afterSwitch) continue;
                    afterSwitch = false;
                    // Back from the IRQ stack, crash shows the entry code's frame at the pt_regs
                    // it saved (its irq_eframe), not at the return address just below them.
                    long shown = f.slot();
                    if (lastSwitch != null && lastSwitch.from().kind() == StackRange.Kind.IRQ && i + 1 < entries.size()
                            && entries.get(i - 1) == lastSwitch && entries.get(i + 1) instanceof ExceptionFrame x
                            && x.address() == f.slot() + 8) shown = x.address();
                    // crash's bt -f: the words above the frame as shown, up to and including the
                    // next numbered frame's return address
                    List<Long> contents = List.of();
                    var next = frameMemory == null ? OptionalLong.empty() : nextFrameSlot(entries, i, shown);
                    if (next.isPresent()) contents = words(frameMemory, shown + 8, next.getAsLong() + 8);
                    out.add(new BtLine.FrameLine(level++, shown, f.pc(), f.function().map(CodeSymbol::name),
                            f.function().map(fn -> fn.offset(f.pc())).orElse(0L), f.function().flatMap(CodeSymbol::module),
                            f.kind().name().toLowerCase(), f.reliable(), contents));
                }
                case ExceptionFrame x -> {
                    var r = x.registers();
                    Map<String, Long> regs = new LinkedHashMap<>();
                    var all = r.asMap();
                    for (var name : List.of("rip", "rsp", "eflags", "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8", "r9",
                            "r10", "r11", "r12", "r13", "r14", "r15", "orig_rax", "cs", "ss")) regs.put(name, all.get(name));
                    var rip = x.userMode() ? Optional.<String>empty() : Optional.of(x.ripFunction()
                            .map(fn -> fn.offset(r.rip()) == 0 ? fn.name() : fn.name() + "+" + fn.offset(r.rip()))
                            .orElse(String.format("%016x", r.rip())));
                    out.add(new BtLine.ExceptionLine(x.address(), x.userMode(), x.partial(), rip, regs));
                }
                case StackTransition s -> {
                    lastSwitch = s;
                    out.add(new BtLine.StackSwitch(s.from().label().replaceAll("[<>]", ""), s.to().label().replaceAll("[<>]", "")));
                    afterSwitch = true;
                }
            }
        }
        return out;
    }

    /**
     * The slot of the next numbered frame on the same stack as entry {@code i} (whose frame or
     * registers lie at {@code from}), when one follows within a frame's reach; none across a
     * stack switch or at the stack's end.
     */
    private static OptionalLong nextFrameSlot(List<? extends Object> entries, int i, long from) {
        for (int j = i + 1; j < entries.size(); j++) {
            // without a stack switch, the frame of an exception's rip is not numbered
            if (entries.get(j) instanceof Frame n && n.kind() != Frame.Kind.INTERRUPTED) {
                boolean near = Long.compareUnsigned(n.slot(), from) >= 0 && n.slot() - from <= 8L * MAX_FRAME_WORDS;
                return near ? OptionalLong.of(n.slot()) : OptionalLong.empty();
            }
            if (entries.get(j) instanceof StackTransition) break;
        }
        return OptionalLong.empty();
    }

    private static List<Long> words(KernelMemory memory, long from, long to) {
        var out = new ArrayList<Long>();
        for (long a = from; Long.compareUnsigned(a, to) < 0 && out.size() < 8 * MAX_FRAME_WORDS; a += 8) {
            try {
                out.add(memory.u64(a));
            } catch (JkdumpException e) {
                break;
            }
        }
        return out;
    }

    /** crash's task header: {@code PID: 1        TASK: ffff8efe81203080  CPU: 1    COMMAND: "init"}. */
    public static String header(int pid, long task, int cpu, String command) {
        return String.format("PID: %-8d TASK: %016x  CPU: %-4d COMMAND: \"%s\"", pid, task, cpu, command);
    }

    /** Writes the result as crash prints it; tasks are separated by a blank line. */
    public static void renderText(BtResult result, PrintWriter out) {
        boolean first = true;
        for (var t : result.tasks()) {
            if (!first) out.println();
            first = false;
            out.println(header(t.pid(), t.task(), t.cpu(), t.command()));
            BtLine.FrameLine wordsDue = null;
            var lines = t.lines();
            for (int i = 0; i < lines.size(); i++) {
                var line = lines.get(i);
                switch (line) {
                    case BtLine.FrameLine f -> {
                        var name = f.function().orElse(String.format("%016x", f.pc()));
                        out.printf("%s#%d [%016x] %s at %016x%s%n", f.level() < 10 ? " " : "", f.level(), f.frameAddress(),
                                name, f.pc(), f.module().map(m -> " [" + m + "]").orElse(""));
                        wordsDue = f;
                    }
                    case BtLine.ExceptionLine x -> registers(x, out);
                    case BtLine.StackSwitch s -> out.println("--- <" + s.from() + "> ---");
                    case BtLine.CpuRegistersLine c -> cpuRegisters(c, out);
                }
                // a frame's words follow the register block saved on its entry, when there is one
                if (wordsDue != null && (line instanceof BtLine.ExceptionLine
                        || !(i + 1 < lines.size() && lines.get(i + 1) instanceof BtLine.ExceptionLine))) {
                    frameWords(wordsDue.frameAddress() + 8, wordsDue.contents(), out);
                    wordsDue = null;
                }
            }
            if (!t.complete()) t.problem().ifPresent(p -> out.println("bt: unwind stopped: " + p));
            for (int i = 0; i < t.rawStack().size(); i += 2) {
                var sb = new StringBuilder(String.format("%016x:  ", t.rawStart() + 8L * i));
                for (int j = i; j < Math.min(i + 2, t.rawStack().size()); j++)
                    sb.append(String.format("%016x ", t.rawStack().get(j)));
                out.println(sb.toString().stripTrailing());
            }
        }
    }

    /** bt -f's stack words, two a line, each line headed by the first word's address. */
    private static void frameWords(long start, List<Long> words, PrintWriter out) {
        for (int i = 0; i < words.size(); i += 2) {
            var sb = new StringBuilder(String.format("    %016x: ", start + 8L * i));
            for (int j = i; j < Math.min(i + 2, words.size()); j++)
                sb.append(String.format("%016x ", words.get(j)));
            out.println(sb);
        }
    }

    /** crash's exception RIP line and, when shown, display_regs_from_elf_notes()'s block (no ORIG_RAX: the note has none to show). */
    private static void cpuRegisters(BtLine.CpuRegistersLine c, PrintWriter out) {
        out.println("    [exception RIP: " + c.rip() + "]");
        if (!c.shown()) return;
        var r = c.registers();
        out.printf("    RIP: %016x  RSP: %016x  RFLAGS: %08x%n", r.get("rip"), r.get("rsp"), r.get("eflags"));
        generalRegisters(r, out);
        out.printf("    CS: %04x  SS: %04x%n", r.get("cs"), r.get("ss"));
    }

    /** crash's five lines of general-purpose registers, RAX to R15, shared by both register blocks. */
    private static void generalRegisters(java.util.Map<String, Long> r, PrintWriter out) {
        out.printf("    RAX: %016x  RBX: %016x  RCX: %016x%n", r.get("rax"), r.get("rbx"), r.get("rcx"));
        out.printf("    RDX: %016x  RSI: %016x  RDI: %016x%n", r.get("rdx"), r.get("rsi"), r.get("rdi"));
        out.printf("    RBP: %016x   R8: %016x   R9: %016x%n", r.get("rbp"), r.get("r8"), r.get("r9"));
        out.printf("    R10: %016x  R11: %016x  R12: %016x%n", r.get("r10"), r.get("r11"), r.get("r12"));
        out.printf("    R13: %016x  R14: %016x  R15: %016x%n", r.get("r13"), r.get("r14"), r.get("r15"));
    }

    private static void registers(BtLine.ExceptionLine x, PrintWriter out) {
        var r = x.registers();
        x.rip().ifPresent(rip -> out.println("    [exception RIP: " + rip + "]"));
        out.printf("    RIP: %016x  RSP: %016x  RFLAGS: %08x%n", r.get("rip"), r.get("rsp"), r.get("eflags"));
        if (x.partial()) {
            out.printf("    CS: %04x  SS: %04x%n", r.get("cs"), r.get("ss"));
            return;
        }
        generalRegisters(r, out);
        out.printf("    ORIG_RAX: %016x  CS: %04x  SS: %04x%n", r.get("orig_rax"), r.get("cs"), r.get("ss"));
    }
}
