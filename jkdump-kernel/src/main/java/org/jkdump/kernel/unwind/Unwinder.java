package org.jkdump.kernel.unwind;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.X86Registers;
import org.jkdump.kernel.KernelMemory;

/**
 * Unwinds x86-64 kernel stacks with the ORC tables found in the dump, following the state
 * machine of the kernel's own unwinder (arch/x86/kernel/unwind_orc.c): for each code address
 * an ORC entry says how to get the caller's stack pointer (from SP, BP, an indirect slot, or
 * a register saved in pt_regs) and whether a return address (CALL), full saved registers
 * (REGS) or a hardware iret frame (REGS_PARTIAL) sits there; UNDEFINED and END_OF_STACK stop
 * the walk. Where no table covers an address it assumes a frame-pointer frame, and when the
 * walk fails it scans the rest of the stack for return addresses (frames marked unreliable).
 *
 * <p>Three ways to start: from a sleeping task's switch frame, from saved registers (an
 * interrupted context), and from the registers a CPU left in its NT_PRSTATUS note at the
 * crash ({@link #fromCrashRegisters}), which also recovers the calls the CPU made after the
 * note was written (the crash path into machine_kexec, the NMI handler that stopped it).
 */
public final class Unwinder {
    /** More frames than any real kernel stack holds; a guard against loops in bad data. */
    public static final int MAX_ENTRIES = 512;
    /** How far below a known frame the search for a callee's return address looks (bytes). */
    private static final int CALLEE_WINDOW = 2048;
    private static final int MAX_DESCENT = 16;
    private static final int MAX_SCANNED = 64;
    /** Tail calls followed from a call's target to the function found in its frame (exc_page_fault → page_fault_oops). */
    private static final int TAIL_CALL_DEPTH = 3;

    private final Orc orc;
    private final KernelMemory memory;
    private final CodeSymbols symbols;
    private final CallSites calls;

    public Unwinder(Orc orc, CodeSymbols symbols) {
        this.orc = orc;
        this.memory = orc.memory();
        this.symbols = symbols;
        this.calls = new CallSites(memory, symbols);
    }

    public Orc orc() {
        return orc;
    }

    /**
     * A sleeping task: {@code retAddrSlot} is where its {@code struct inactive_task_frame}
     * keeps {@code ret_addr} (the return into __schedule, or ret_from_fork for a task that
     * never ran), {@code bp} the frame's saved BP.
     */
    public Backtrace fromSwitchFrame(long retAddrSlot, long bp, Stacks stacks) {
        long pc;
        try {
            pc = memory.u64(retAddrSlot);
        } catch (JkdumpException e) {
            return new Backtrace(List.of(), Optional.of("cannot read the switch frame at " + hex(retAddrSlot) + ": " + e.getMessage()), false);
        }
        var s = new State(pc, retAddrSlot + 8, bp, stacks);
        var out = new ArrayList<BacktraceEntry>();
        out.add(frame(pc, retAddrSlot, retAddrSlot + 8, Frame.Kind.CALL, true));
        // A task that has never run resumes at ret_from_fork's first instruction, not after a call.
        s.signal = symbols.function(pc).map(f -> f.start() == pc).orElse(false);
        return walk(s, out);
    }

    /** An interrupted kernel context (pt_regs or equivalent): unwinds from its ip and sp. */
    public Backtrace fromRegisters(X86Registers regs, Stacks stacks) {
        var out = new ArrayList<BacktraceEntry>();
        if (PtRegs.userMode(regs)) {
            out.add(new ExceptionFrame(0, regs, true, false, Optional.empty()));
            return new Backtrace(out, Optional.empty(), true);
        }
        var s = new State(regs.rip(), regs.rsp(), regs.rbp(), stacks);
        s.regs = regs;
        s.fullRegs = true;
        s.signal = true;
        out.add(frame(regs.rip(), regs.rsp(), regs.rsp(), Frame.Kind.START, true));
        return walk(s, out);
    }

    /**
     * A CPU that was running at the crash, from the registers of its NT_PRSTATUS note. Those
     * are either a copy of saved pt_regs (an oops, or a CPU stopped by the crash NMI: the
     * interrupted context) — then the frames below them are found from where the entry code
     * saved them — or a snapshot taken inside __crash_kexec, below which the CPU went on into
     * machine_kexec. In both cases the calls made after the registers were saved are
     * recovered from the stack: each return address must be one the caller's call
     * instruction left, and must agree with the callee's ORC frame size.
     */
    public Backtrace fromCrashRegisters(X86Registers regs, Stacks stacks) {
        var saved = findSavedRegisters(regs, stacks);
        if (saved.isPresent()) {
            long slot = saved.getAsLong() - 8;
            long ret = read(slot);
            if (calls.isReturnAddress(ret)) return fromDeepest(descend(slot, ret, stacks, 0), regs.rbp(), stacks);
            return fromRegisters(regs, stacks);
        }
        if (PtRegs.userMode(regs)) return fromCpuRegisters(regs, stacks);
        // A snapshot inside a function (crash_setup_regs() in __crash_kexec): the function's
        // next call left its return address below the snapshot's SP.
        var fn = symbols.function(regs.rip());
        if (fn.isPresent()) {
            long start = fn.get().start();
            var cfa = callerSp(regs.rip(), regs.rsp(), true);
            for (long r = regs.rsp() - 8; r >= regs.rsp() - CALLEE_WINDOW && inStack(stacks, r); r -= 8) {
                long w = read(r);
                if (w == 0 || symbols.function(w).map(f -> f.start() != start).orElse(true)) continue;
                if (!calls.isReturnAddress(w)) continue;
                if (cfa.isEmpty() || consistent(r, w, cfa.getAsLong()))
                    return fromDeepest(descend(r, w, stacks, 0), regs.rbp(), stacks);
            }
        }
        return fromCpuRegisters(regs, stacks);
    }

    /** A CPU stopped where it was ({@link CpuRegisters}): its registers, then the walk from its rip and rsp. */
    private Backtrace fromCpuRegisters(X86Registers regs, Stacks stacks) {
        boolean user = PtRegs.userMode(regs);
        var start = new CpuRegisters(regs, user, user ? Optional.empty() : symbols.function(regs.rip()));
        var rest = fromRegisters(regs, stacks);
        var out = new ArrayList<BacktraceEntry>();
        out.add(start);
        // in user mode fromRegisters gives the user registers alone, which the CPU registers already are
        if (!user) out.addAll(rest.entries());
        return new Backtrace(out, rest.problem(), rest.complete());
    }

    private Backtrace fromDeepest(long[] deepest, long bp, Stacks stacks) {
        long slot = deepest[0], pc = deepest[1];
        var out = new ArrayList<BacktraceEntry>();
        out.add(frame(pc, slot, slot + 8, Frame.Kind.CALL, true));
        return walk(new State(pc, slot + 8, bp, stacks), out);
    }

    /**
     * From a return address {@code ret} at {@code slot}, finds the callee's own live call
     * below it, repeatedly: the highest slot in the callee's frame holding a return address
     * into the callee (the call's target, when the call is direct) whose ORC entry puts the
     * callee's CFA exactly at {@code slot + 8}. Returns {slot, pc} of the deepest frame.
     */
    private long[] descend(long slot, long ret, Stacks stacks, int depth) {
        if (depth >= MAX_DESCENT) return new long[] {slot, ret};
        OptionalLong target = calls.directCallTarget(ret);
        if (target.isPresent() && isThunk(target.getAsLong())) target = OptionalLong.empty();
        long cfa = slot + 8;
        for (long r = slot - 8; r >= slot - CALLEE_WINDOW && inStack(stacks, r); r -= 8) {
            long w = read(r);
            if (w == 0) continue;
            var fn = symbols.function(w);
            if (fn.isEmpty()) continue;
            if (target.isPresent() && !calls.reaches(target.getAsLong(), fn.get().start(), TAIL_CALL_DEPTH)) continue;
            if (!calls.isReturnAddress(w)) continue;
            var e = orc.find(w - 1);
            boolean noOrc = e.isEmpty() || e.get().type() == OrcEntry.Type.UNDEFINED;
            // Code objtool left without ORC (STACK_FRAME_NON_STANDARD, e.g. __crash_kexec in
            // 6.1) cannot be checked against its frame size; the call target vouches for it.
            if ((noOrc && target.isPresent()) || consistent(r, w, cfa)) return descend(r, w, stacks, depth + 1);
        }
        return new long[] {slot, ret};
    }

    private boolean startsFunction(long pc) {
        return symbols.function(pc).map(f -> f.offset(pc) == 0).orElse(false);
    }

    /** Retpoline and call-depth thunks stand in for an indirect call: the real callee is unknown. */
    private boolean isThunk(long address) {
        return symbols.function(address).map(f -> f.name().startsWith("__x86_indirect_")).orElse(false);
    }

    /** Return address {@code w} at {@code r} belongs to a frame whose CFA is {@code cfa}. */
    private boolean consistent(long r, long w, long cfa) {
        var e = orc.find(w - 1);
        return e.isPresent() && e.get().type() == OrcEntry.Type.CALL && e.get().spReg() == OrcEntry.Reg.SP
                && r + 8 + e.get().spOffset() == cfa;
    }

    /** The caller's SP for code at {@code pc} with stack pointer {@code sp} (SP-based entries only). */
    private OptionalLong callerSp(long pc, long sp, boolean signal) {
        var e = orc.find(signal ? pc : pc - 1);
        if (e.isEmpty() || e.get().spReg() != OrcEntry.Reg.SP) return OptionalLong.empty();
        return OptionalLong.of(sp + e.get().spOffset());
    }

    /** Finds a copy of {@code regs} saved as pt_regs on one of the stacks. */
    private OptionalLong findSavedRegisters(X86Registers regs, Stacks stacks) {
        long[] want = PtRegs.slots(regs);
        for (var range : stacks.ranges()) {
            long len = range.end() - range.start();
            if (len <= 0 || len > (1 << 20)) continue;
            byte[] b;
            try {
                b = memory.read(range.start(), (int) len);
            } catch (JkdumpException e) {
                continue;
            }
            var bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            // Search from the top: entry code saves registers near the top of a stack.
            for (int off = b.length - PtRegs.SIZE; off >= 0; off -= 8) {
                boolean match = true;
                for (int i = PtRegs.SLOTS - 1; i >= 0 && match; i--) match = bb.getLong(off + i * 8) == want[i];
                if (match) return OptionalLong.of(range.start() + off);
            }
        }
        return OptionalLong.empty();
    }

    /** The unwind state (unwind_orc.c's struct unwind_state). */
    private static final class State {
        long pc, sp, bp;
        boolean signal;
        X86Registers regs;       // the last pt_regs passed, full or iret-only
        boolean fullRegs;
        X86Registers prevFull;   // full regs seen before an iret-only frame (for R10, DI, ...)
        long scanFloor;          // stack scanning never goes back below this
        final Stacks stacks;

        State(long pc, long sp, long bp, Stacks stacks) {
            this.pc = pc;
            this.sp = sp;
            this.bp = bp;
            this.stacks = stacks;
        }
    }

    private Backtrace walk(State s, List<BacktraceEntry> out) {
        int scanned = 0;
        String first = null;
        while (out.size() < MAX_ENTRIES) {
            String problem;
            try {
                problem = step(s, out);
            } catch (JkdumpException e) {
                problem = e.getMessage();
            }
            if (problem == null) continue;
            if (problem.isEmpty()) return new Backtrace(out, Optional.ofNullable(first), true);
            if (first == null) first = problem;
            // The ORC walk is lost: look for the next return address above, as the kernel's
            // stack dump does with its "?" entries, and try ORC again from there.
            if (scanned >= MAX_SCANNED || !scanOn(s, out)) return new Backtrace(out, Optional.of(first), false);
            scanned++;
        }
        return new Backtrace(out, Optional.of(first != null ? first : "more than " + MAX_ENTRIES + " frames"), false);
    }

    /**
     * Finds the caller of the function the walk is stuck in ({@code s.pc}'s) above the stack
     * pointer: the first return address whose call could have entered that function — an
     * indirect call, or a direct one whose target is it or tail-calls it, as crash checks the
     * call before a return address it finds. Return addresses of direct calls elsewhere are
     * passed over (a pt_regs copy in the frame holds the interrupted rip, which may follow a
     * call: __crash_kexec's copy of a BUG()'s registers); the first return address of any call
     * stands in when none fits.
     */
    private boolean scanOn(State s, List<BacktraceEntry> out) {
        var stack = s.stacks.find(s.sp);
        if (stack.isEmpty()) return false;
        long from = Long.compareUnsigned(s.sp, s.scanFloor) > 0 ? s.sp : s.scanFloor;
        var stuckIn = symbols.function(s.signal ? s.pc : s.pc - 1);
        long first = -1;
        for (long r = from; r + 8 <= stack.get().end(); r += 8) {
            long w;
            try {
                w = memory.u64(r);
            } catch (JkdumpException e) {
                break;
            }
            if (!calls.isReturnAddress(w)) continue;
            if (first < 0) first = r;
            var target = calls.directCallTarget(w);
            if (stuckIn.isEmpty() || target.isEmpty() || isThunk(target.getAsLong())
                    || calls.reaches(target.getAsLong(), stuckIn.get().start(), TAIL_CALL_DEPTH))
                return scanned(s, out, r, w);
        }
        return first >= 0 && scanned(s, out, first, memory.u64(first));
    }

    /** Takes the return address {@code w} at {@code r} as the next frame, found by scanning. */
    private boolean scanned(State s, List<BacktraceEntry> out, long r, long w) {
        out.add(frame(w, r, r + 8, Frame.Kind.SCANNED, false));
        s.scanFloor = r + 8;
        s.pc = w;
        s.sp = r + 8;
        s.signal = false;
        s.regs = null;
        s.fullRegs = false;
        return true;
    }

    /** One unwind_next_frame(): null to go on, "" at the end of the stack, else why it failed. */
    private String step(State s, List<BacktraceEntry> out) {
        if (s.regs != null && PtRegs.userMode(s.regs)) return "";
        boolean reliable = true;
        var found = orc.find(s.signal ? s.pc : s.pc - 1);
        OrcEntry e;
        if (found.isPresent()) {
            e = found.get();
        } else {
            e = OrcEntry.FRAME_POINTER; // generated code (BPF, trampolines) usually keeps frame pointers
            reliable = false;
        }
        switch (e.type()) {
            case UNDEFINED -> {
                return "no unwind information for " + describe(s.pc);
            }
            case END_OF_STACK -> {
                return "";
            }
            default -> {
            }
        }
        long prevSp;
        boolean indirect = false;
        switch (e.spReg()) {
            case SP -> prevSp = s.sp + e.spOffset();
            case BP -> prevSp = s.bp + e.spOffset();
            case SP_INDIRECT -> {
                prevSp = s.sp;
                indirect = true;
            }
            case BP_INDIRECT -> {
                prevSp = s.bp + e.spOffset();
                indirect = true;
            }
            case R10, R13, DI, DX -> {
                var full = s.fullRegs ? s.regs : s.prevFull;
                if (full == null) return "no saved registers for base register " + e.spReg() + " at " + describe(s.pc);
                prevSp = switch (e.spReg()) {
                    case R10 -> full.r10();
                    case R13 -> full.r13();
                    case DI -> full.rdi();
                    default -> full.rdx();
                };
            }
            default -> {
                return "bad ORC entry for " + describe(s.pc) + ": SP base register " + e.spReg();
            }
        }
        if (indirect) {
            if (!onStack(s, prevSp, 8)) return "indirect stack pointer at " + hex(prevSp) + " is off the stack";
            prevSp = memory.u64(prevSp);
            if (e.spReg() == OrcEntry.Reg.SP_INDIRECT) prevSp += e.spOffset();
        }
        var fromStack = s.stacks.find(s.sp);
        long oldSp = s.sp;
        switch (e.type()) {
            case CALL -> {
                long slot = prevSp - 8;
                if (!onStack(s, slot, 8)) return "return address slot " + hex(slot) + " is off the stack";
                long pc = memory.u64(slot);
                s.pc = pc;
                s.sp = prevSp;
                s.regs = null;
                s.fullRegs = false;
                s.prevFull = null;
                s.signal = e.signal();
                transition(fromStack, s.stacks.find(slot), out);
                // A noreturn call that ends its function (nmi_panic.cold calling panic) returns to
                // the start of the next function: crash shows no frame for it (the kernel's own
                // trace names the caller, "nmi_panic.cold+0xc/0xc"); the walk goes on through it,
                // its ORC entry looked up at pc - 1, the caller's.
                if (!startsFunction(pc)) out.add(frame(pc, slot, prevSp, Frame.Kind.CALL, reliable));
            }
            case REGS -> {
                if (!onStack(s, prevSp, PtRegs.SIZE)) return "saved registers at " + hex(prevSp) + " are off the stack";
                var regs = PtRegs.read(memory, prevSp);
                s.pc = regs.rip();
                s.sp = regs.rsp();
                s.regs = regs;
                s.fullRegs = true;
                s.prevFull = null;
                s.signal = true;
                boolean user = PtRegs.userMode(regs);
                out.add(new ExceptionFrame(prevSp, regs, user, false, user ? Optional.empty() : symbols.function(regs.rip())));
                if (user) return "";
                transition(s.stacks.find(prevSp), s.stacks.findSaved(regs.rsp()), out);
                out.add(frame(regs.rip(), regs.rsp(), regs.rsp(), Frame.Kind.INTERRUPTED, reliable));
            }
            case REGS_PARTIAL -> {
                if (!onStack(s, prevSp, PtRegs.IRET_FRAME_SIZE)) return "iret frame at " + hex(prevSp) + " is off the stack";
                var regs = PtRegs.readIret(memory, prevSp);
                if (s.fullRegs) s.prevFull = s.regs;
                s.pc = regs.rip();
                s.sp = regs.rsp();
                s.regs = regs;
                s.fullRegs = false;
                s.signal = true;
                boolean user = PtRegs.userMode(regs);
                out.add(new ExceptionFrame(prevSp - PtRegs.IRET_FRAME_OFFSET, regs, user, true,
                        user ? Optional.empty() : symbols.function(regs.rip())));
                if (user) return "";
                transition(s.stacks.find(prevSp), s.stacks.findSaved(regs.rsp()), out);
                out.add(frame(regs.rip(), regs.rsp(), regs.rsp(), Frame.Kind.INTERRUPTED, reliable));
            }
            default -> throw new IllegalStateException("unreachable: " + e.type());
        }
        switch (e.bpReg()) {
            case UNDEFINED -> {
                var full = s.fullRegs ? s.regs : s.prevFull;
                if (full != null) s.bp = full.rbp();
            }
            case PREV_SP -> {
                if (!onStack(s, prevSp + e.bpOffset(), 8)) return "saved BP at " + hex(prevSp + e.bpOffset()) + " is off the stack";
                s.bp = memory.u64(prevSp + e.bpOffset());
            }
            case BP -> {
                if (!onStack(s, s.bp + e.bpOffset(), 8)) return "saved BP at " + hex(s.bp + e.bpOffset()) + " is off the stack";
                s.bp = memory.u64(s.bp + e.bpOffset());
            }
            default -> {
                return "bad ORC entry for " + describe(s.pc) + ": BP base register " + e.bpReg();
            }
        }
        var toStack = s.signal ? s.stacks.findSaved(s.sp) : s.stacks.find(s.sp);
        if (toStack.isEmpty() && !s.stacks.ranges().isEmpty())
            return "stack pointer " + hex(s.sp) + " left the known stacks";
        if (fromStack.isPresent() && fromStack.equals(toStack) && Long.compareUnsigned(s.sp, oldSp) <= 0)
            return "stack going in the wrong direction at " + describe(s.pc);
        return null;
    }

    private void transition(Optional<StackRange> from, Optional<StackRange> to, List<BacktraceEntry> out) {
        if (from.isPresent() && to.isPresent() && !from.get().equals(to.get()))
            out.add(new StackTransition(from.get(), to.get()));
    }

    private boolean onStack(State s, long address, int length) {
        return s.stacks.ranges().isEmpty() || s.stacks.find(address, length).isPresent();
    }

    private boolean inStack(Stacks stacks, long address) {
        return stacks.ranges().isEmpty() ? address != 0 : stacks.find(address, 8).isPresent();
    }

    private long read(long address) {
        try {
            return memory.u64(address);
        } catch (JkdumpException e) {
            return 0;
        }
    }

    private Frame frame(long pc, long slot, long sp, Frame.Kind kind, boolean reliable) {
        return new Frame(pc, slot, sp, symbols.function(pc), kind, reliable);
    }

    private String describe(long pc) {
        return symbols.function(pc).map(f -> f.name() + "+0x" + Long.toHexString(f.offset(pc)) + " (" + hex(pc) + ")")
                .orElse(hex(pc));
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
