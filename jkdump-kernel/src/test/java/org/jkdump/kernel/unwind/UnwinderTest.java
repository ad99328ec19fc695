package org.jkdump.kernel.unwind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jkdump.kernel.unwind.FakeKernel.callSp;
import static org.jkdump.kernel.unwind.FakeKernel.end;
import static org.jkdump.kernel.unwind.FakeKernel.regsSp;

import java.util.List;
import java.util.Optional;
import org.jkdump.format.X86Registers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class UnwinderTest {
    static final long TASK = 0xffffc90000010000L, TASK_TOP = TASK + 0x4000;
    static final long NMI = 0xfffffe000000d000L, NMI_TOP = NMI + 0x1000;
    static final long IRQ = 0xffffc90000100000L, IRQ_TOP = IRQ + 0x4000;

    /** "name@slot" per frame, with markers for exception frames and stack switches. */
    static List<String> lines(Backtrace bt) {
        return bt.entries().stream().map(e -> switch (e) {
            case Frame f -> f.function().map(CodeSymbol::name).orElse("?") + "@" + Long.toHexString(f.slot())
                    + (f.kind() == Frame.Kind.CALL ? "" : "/" + f.kind()) + (f.reliable() ? "" : "?");
            case ExceptionFrame x -> (x.userMode() ? "user-regs@" : x.partial() ? "iret@" : "regs@") + Long.toHexString(x.address());
            case StackTransition t -> "--- " + t.from().label() + " ---";
            case CpuRegisters c -> (c.userMode() ? "cpu-user-regs@" : "cpu-regs@") + Long.toHexString(c.registers().rip());
        }).toList();
    }

    static String at(String name, long slot) {
        return name + "@" + Long.toHexString(slot);
    }

    /** The kthread chain of a sleeping task: __schedule ← schedule ← worker ← kthread ← ret_from_fork. */
    @ParameterizedTest
    @EnumSource(OrcFormat.class)
    void unwindsSleepingKernelThreadThroughCallFramesToEndOfStack(OrcFormat format) {
        var k = new FakeKernel(format);
        var task = k.stack(StackRange.Kind.TASK, "task", TASK, 0x4000);
        k.orc("ret_from_fork", 0, end());
        long sRff = TASK_TOP - 0xb0;
        k.put64(sRff, k.call("ret_from_fork", 0x22, "kthread"));
        k.orc("kthread", 0, callSp(0x38));
        long sKthread = sRff - 0x38;
        k.put64(sKthread, k.call("kthread", 0x40, "worker"));
        k.orc("worker", 0, callSp(0x40));
        long sWorker = sKthread - 0x40;
        k.put64(sWorker, k.call("worker", 0x30, "schedule"));
        k.orc("schedule", 0, callSp(0x18));
        long sSchedule = sWorker - 0x18;
        k.put64(sSchedule, k.call("schedule", 0x20, "__schedule"));
        k.orc("__schedule", 0, callSp(0x58));
        long sSched = sSchedule - 0x58;
        k.put64(sSched, k.call("__schedule", 0x70, "__switch_to_asm"));

        var bt = k.unwinder().fromSwitchFrame(sSched, 0, Stacks.of(task));

        assertThat(lines(bt)).containsExactly(at("__schedule", sSched), at("schedule", sSchedule),
                at("worker", sWorker), at("kthread", sKthread), at("ret_from_fork", sRff));
        assertThat(bt.problem()).isEmpty();
        assertThat(bt.topFunctions(2)).containsExactly("__schedule", "schedule");
    }

    /** A syscall: the REGS entry after do_syscall_64 finds user pt_regs at the top and stops there. */
    @ParameterizedTest
    @EnumSource(OrcFormat.class)
    void stopsAtUserModeRegistersOfSyscallEntry(OrcFormat format) {
        var k = new FakeKernel(format);
        var task = k.stack(StackRange.Kind.TASK, "task", TASK, 0x4000);
        long regsAt = TASK_TOP - PtRegs.SIZE;
        k.putRegs(regsAt, FakeKernel.regs(0x47b7a0, 0x7ffc32323b48L, 0x33));
        k.orc("entry_SYSCALL_64", 0, regsSp(0));
        long sEntry = regsAt - 8;
        k.put64(sEntry, k.call("entry_SYSCALL_64", 0x60, "do_syscall_64"));
        k.orc("do_syscall_64", 0, callSp(0x1e8));
        long sDo = sEntry - 0x1e8;
        k.put64(sDo, k.call("do_syscall_64", 0x50, "ksys_write"));

        var bt = k.unwinder().fromSwitchFrame(sDo, 0, Stacks.of(task));

        assertThat(lines(bt)).containsExactly(at("do_syscall_64", sDo), at("entry_SYSCALL_64", sEntry),
                "user-regs@" + Long.toHexString(regsAt));
        assertThat(bt.exceptionFrames().getFirst().registers().rip()).isEqualTo(0x47b7a0);
        assertThat(bt.problem()).isEmpty();
    }

    /**
     * A CPU stopped by the crash NMI: its note holds the interrupted registers, saved as
     * pt_regs on the NMI stack; the handler frames below them are recovered (through a direct
     * and an indirect call, past a stale frame of an earlier callee), then the walk crosses
     * to the task stack.
     */
    @ParameterizedTest
    @EnumSource(OrcFormat.class)
    void crashNmiCpuUnwindsHandlerFramesThenCrossesFromNmiStackToTaskStack(OrcFormat format) {
        var k = new FakeKernel(format);
        var task = k.stack(StackRange.Kind.TASK, "task", TASK, 0x4000);
        var nmi = k.stack(StackRange.Kind.EXCEPTION, "NMI", NMI, 0x1000);
        // task side: do_idle -> default_idle -> native_safe_halt (interrupted at +0xb)
        k.orc("do_idle", 0, end());
        k.orc("default_idle", 0, callSp(0x10));
        k.orc("native_safe_halt", 0, callSp(8));
        long t0 = TASK_TOP - 0x200;
        k.put64(t0, k.call("default_idle", 0x20, "native_safe_halt"));
        k.put64(t0 + 0x10, k.call("do_idle", 0x30, "default_idle"));
        var interrupted = FakeKernel.regs(k.fn("native_safe_halt") + 0xb, t0, 0x10);
        // NMI side
        long p = NMI_TOP - 0x58 - PtRegs.SIZE;
        k.putRegs(p, interrupted);
        k.orc("end_repeat_nmi", 0, regsSp(0));
        long sErm = p - 8;
        k.put64(sErm, k.call("end_repeat_nmi", 0x40, "exc_nmi"));
        k.orc("exc_nmi", 0, callSp(0x20));
        long sExc = sErm - 0x20;
        k.put64(sExc, k.call("exc_nmi", 0x30, "default_do_nmi"));
        k.orc("default_do_nmi", 0, callSp(0x18));
        long sDdn = sExc - 0x18;
        k.put64(sDdn, k.indirectCall("default_do_nmi", 0x50));
        k.orc("crash_nmi_callback", 0, callSp(8));
        long sCnc = sDdn - 8;
        k.put64(sCnc, k.call("crash_nmi_callback", 0x60, "native_halt"));
        k.orc("native_halt", 0, callSp(8));
        // stale: crash_nmi_callback earlier called kdump_nmi_callback from the same slot, which called crash_save_cpu
        k.orc("kdump_nmi_callback", 0, callSp(0x28));
        k.put64(sCnc - 0x28, k.call("kdump_nmi_callback", 0x40, "crash_save_cpu"));
        k.orc("crash_save_cpu", 0, callSp(0x10));

        var bt = k.unwinder().fromCrashRegisters(interrupted, Stacks.of(task, nmi));

        assertThat(lines(bt)).containsExactly(at("crash_nmi_callback", sCnc), at("default_do_nmi", sDdn),
                at("exc_nmi", sExc), at("end_repeat_nmi", sErm), "regs@" + Long.toHexString(p),
                "--- <NMI exception stack> ---", at("native_safe_halt", t0) + "/INTERRUPTED",
                at("default_idle", t0), at("do_idle", t0 + 0x10));
        assertThat(bt.problem()).isEmpty();
    }

    /**
     * The panicking CPU's note holds a snapshot taken inside __crash_kexec; the CPU then
     * called machine_kexec, which called relocate_kernel: both calls are recovered.
     */
    @ParameterizedTest
    @EnumSource(OrcFormat.class)
    void panicCpuRecoversCallsMadeAfterTheRegisterSnapshot(OrcFormat format) {
        var k = new FakeKernel(format);
        var task = k.stack(StackRange.Kind.TASK, "task", TASK, 0x4000);
        k.orc("panic", 0, end());
        k.orc("__crash_kexec", 0, callSp(0xc0));
        k.orc("machine_kexec", 0, callSp(0x58));
        k.fn("relocate_kernel");
        long rsp = TASK_TOP - 0x400;
        var snapshot = FakeKernel.regs(k.fn("__crash_kexec") + 0x30, rsp, 0x10);
        long sPanic = rsp + 0xc0 - 8;
        k.put64(sPanic, k.call("panic", 0x80, "__crash_kexec"));
        long sCk = rsp - 8;
        k.put64(sCk, k.call("__crash_kexec", 0x60, "machine_kexec"));
        long sMk = sCk - 0x58;
        k.put64(sMk, k.call("machine_kexec", 0x80, "relocate_kernel"));

        var bt = k.unwinder().fromCrashRegisters(snapshot, Stacks.of(task));

        assertThat(lines(bt)).containsExactly(at("machine_kexec", sMk), at("__crash_kexec", sCk), at("panic", sPanic));
        assertThat(bt.problem()).isEmpty();
        assertThat(bt.crashSite(5)).isEmpty();
    }

    /**
     * An IRQ handler on the IRQ stack: the call_on_irqstack site's SP_INDIRECT entry reads the
     * task stack pointer saved at the top of the IRQ stack; the walk crosses back to the task
     * stack and ends at the user-mode registers of the interrupt entry.
     */
    @ParameterizedTest
    @EnumSource(OrcFormat.class)
    void crossesFromIrqStackToTaskStackThroughIndirectStackPointer(OrcFormat format) {
        var k = new FakeKernel(format);
        var task = k.stack(StackRange.Kind.TASK, "task", TASK, 0x4000);
        var irq = k.stack(StackRange.Kind.IRQ, "IRQ", IRQ, 0x4000);
        long tos = IRQ_TOP - 8;
        k.orc("irq_handler", 0, callSp(0x18));
        k.orc("sysvec_apic_timer_interrupt", 0,
                new OrcEntry(0x18, 0, OrcEntry.Reg.SP_INDIRECT, OrcEntry.Reg.UNDEFINED, OrcEntry.Type.CALL, false));
        k.orc("asm_sysvec_apic_timer_interrupt", 0, regsSp(0));
        long x = TASK_TOP - PtRegs.SIZE - 8 - 0x10;     // task SP saved by call_on_irqstack
        k.put64(tos, x);
        k.put64(tos - 8, k.call("sysvec_apic_timer_interrupt", 0x40, "irq_handler"));
        long sAsm = x + 0x18 - 8;
        k.put64(sAsm, k.call("asm_sysvec_apic_timer_interrupt", 0x20, "sysvec_apic_timer_interrupt"));
        long regsAt = sAsm + 8;
        k.putRegs(regsAt, FakeKernel.regs(0x401000, 0x7ffd0000, 0x33));
        var start = FakeKernel.regs(k.fn("irq_handler") + 0x10, tos - 0x18, 0x10);

        var bt = k.unwinder().fromRegisters(start, Stacks.of(task, irq));

        assertThat(lines(bt)).containsExactly(at("irq_handler", tos - 0x18) + "/START",
                at("sysvec_apic_timer_interrupt", tos - 8), "--- <IRQ stack> ---",
                at("asm_sysvec_apic_timer_interrupt", sAsm), "user-regs@" + Long.toHexString(regsAt));
        assertThat(bt.problem()).isEmpty();
    }

    /** REGS_PARTIAL: only an iret frame; then R10 as SP base needs the full regs seen before it. */
    @ParameterizedTest
    @EnumSource(OrcFormat.class)
    void unwindsIretFrameAndUsesSavedR10AsStackBase(OrcFormat format) {
        var k = new FakeKernel(format);
        var task = k.stack(StackRange.Kind.TASK, "task", TASK, 0x4000);
        // exc_handler's caller frame is an iret frame at sp+0 (entry code before PUSH_REGS)
        k.orc("exc_handler", 0, new OrcEntry(0, 0, OrcEntry.Reg.SP, OrcEntry.Reg.UNDEFINED, OrcEntry.Type.REGS_PARTIAL, false));
        k.orc("realigned", 0, new OrcEntry(8, 0, OrcEntry.Reg.R10, OrcEntry.Reg.UNDEFINED, OrcEntry.Type.CALL, false));
        k.orc("outer", 0, end());
        long iret = TASK_TOP - 0x300;
        long interruptedSp = TASK_TOP - 0x200;
        long r10 = TASK_TOP - 0x100;
        k.put64(iret, k.fn("realigned") + 0x10);      // ip
        k.put64(iret + 8, 0x10);                       // cs
        k.put64(iret + 16, 0x246);                     // flags
        k.put64(iret + 24, interruptedSp);             // sp
        k.put64(iret + 32, 0x18);                      // ss
        k.put64(r10 - 8, k.call("outer", 0x20, "realigned"));
        var start = FakeKernel.withR10(FakeKernel.regs(k.fn("exc_handler") + 4, iret, 0x10), r10);

        var bt = k.unwinder().fromRegisters(start, Stacks.of(task));

        assertThat(lines(bt)).containsExactly(at("exc_handler", iret) + "/START",
                "iret@" + Long.toHexString(iret - PtRegs.IRET_FRAME_OFFSET), at("realigned", interruptedSp) + "/INTERRUPTED",
                at("outer", r10 - 8));
        var x = bt.exceptionFrames().getFirst();
        assertThat(x.partial()).isTrue();
        assertThat(x.ripFunction().map(CodeSymbol::name)).contains("realigned");
        assertThat(bt.problem()).isEmpty();
    }

    /** UNDEFINED is an error, not an end: the walk reports it and scans on for return addresses. */
    @ParameterizedTest
    @EnumSource(OrcFormat.class)
    void undefinedEntryReportsProblemAndFallsBackToStackScan(OrcFormat format) {
        var k = new FakeKernel(format);
        var task = k.stack(StackRange.Kind.TASK, "task", TASK, 0x4000);
        k.orc("broken", 0, FakeKernel.undefined());
        k.orc("outer", 0, end());
        long s0 = TASK_TOP - 0x400;
        k.put64(s0, k.call("broken", 0x20, "leaf"));
        k.put64(s0 + 0x48, 0x1234);                               // not code
        k.put64(s0 + 0x50, k.call("outer", 0x30, "broken"));

        var bt = k.unwinder().fromSwitchFrame(s0, 0, Stacks.of(task));

        assertThat(lines(bt)).containsExactly(at("broken", s0), at("outer", s0 + 0x50) + "/SCANNED?");
        assertThat(bt.problem()).hasValueSatisfying(p -> assertThat(p).contains("no unwind information for broken+0x20"));
    }

    /** Code no table covers (a module without ORC, BPF) is unwound as a frame-pointer frame. */
    @ParameterizedTest
    @EnumSource(OrcFormat.class)
    void framePointerFallbackWhereNoOrcTableCoversTheCode(OrcFormat format) {
        var k = new FakeKernel(format);
        var task = k.stack(StackRange.Kind.TASK, "task", TASK, 0x4000);
        k.orc("caller", 0, end());
        var unwinder = k.unwinder();
        long jit = 0xffffffffc0001000L;
        k.map(jit, 0x1000);
        CodeSymbols withJit = a -> a >= jit && a < jit + 0x1000
                ? Optional.of(new CodeSymbol("bpf_prog_1", jit, 0x1000, Optional.of("bpf")))
                : k.symbols().function(a);
        var u = new Unwinder(unwinder.orc(), withJit);
        long bp = TASK_TOP - 0x300;                  // push %rbp; mov %rsp,%rbp
        k.put64(bp, 0);                              // saved caller bp
        k.put64(bp + 8, k.call("caller", 0x40, "bpf_prog_1"));
        var start = FakeKernel.regs(jit + 0x20, bp - 0x20, 0x10);
        start = new X86Registers(0, 0, 0, 0, bp, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, start.rip(), 0x10, 0x246,
                start.rsp(), 0x18, 0, 0, 0, 0, 0, 0);

        var bt = u.fromRegisters(start, Stacks.of(task));

        assertThat(lines(bt)).containsExactly("bpf_prog_1@" + Long.toHexString(bp - 0x20) + "/START", at("caller", bp + 8) + "?");
    }

    /** A pointer out of every known stack ends the walk with a message instead of reading wild memory. */
    @ParameterizedTest
    @EnumSource(OrcFormat.class)
    void refusesToFollowStackPointerOffTheKnownStacks(OrcFormat format) {
        var k = new FakeKernel(format);
        var task = k.stack(StackRange.Kind.TASK, "task", TASK, 0x4000);
        k.orc("huge", 0, callSp(0x7ff0));
        long s0 = TASK_TOP - 0x100;
        k.put64(s0, k.call("huge", 0x20, "leaf"));

        var bt = k.unwinder().fromSwitchFrame(s0, 0, Stacks.of(task));

        assertThat(lines(bt)).containsExactly(at("huge", s0));
        assertThat(bt.problem()).hasValueSatisfying(p -> assertThat(p).contains("is off the stack"));
    }

    /**
     * The oops path: the note holds the fault's pt_regs; exc_page_fault called
     * do_user_addr_fault, which tail-jumped to page_fault_oops; crash_kexec called
     * __crash_kexec, which has no ORC entries (objtool skips it in 6.1), so its frame is
     * trusted on the call target alone and the walk back over it scans.
     */
    @ParameterizedTest
    @EnumSource(OrcFormat.class)
    void oopsCpuFollowsTailCallsAndCallsIntoCodeWithoutOrc(OrcFormat format) {
        var k = new FakeKernel(format);
        var task = k.stack(StackRange.Kind.TASK, "task", TASK, 0x4000);
        k.orc("jk_write", 0, callSp(0x38));
        k.orc("proc_reg_write", 0, end());
        k.orc("asm_exc_page_fault", 0, regsSp(0));
        k.orc("exc_page_fault", 0, callSp(0x28));
        k.orc("do_user_addr_fault", 0, callSp(0x40));
        k.tailJump("do_user_addr_fault", 0x80, "kernelmode_fixup_or_oops");
        k.orc("kernelmode_fixup_or_oops", 0, callSp(8));
        k.tailJump("kernelmode_fixup_or_oops", 0x10, "page_fault_oops");
        k.orc("page_fault_oops", 0, callSp(0x80));
        k.orc("__crash_kexec", 0, FakeKernel.undefined());
        k.orc("machine_kexec", 0, callSp(0x58));
        k.fn("relocate_kernel");
        long faultSp = TASK_TOP - 0x400;
        k.put64(faultSp + 0x38 - 8, k.call("proc_reg_write", 0x30, "jk_write"));
        var oopsRegs = FakeKernel.regs(k.fn("jk_write") + 0xca, faultSp, 0x10);
        long p = faultSp - 0xb0 - PtRegs.SIZE;
        k.putRegs(p, oopsRegs);
        long sAsm = p - 8;
        k.put64(sAsm, k.call("asm_exc_page_fault", 0x22, "exc_page_fault"));
        long sExc = sAsm - 0x28;
        k.put64(sExc, k.call("exc_page_fault", 0x70, "do_user_addr_fault"));
        long sPfo = sExc - 0x80;
        k.put64(sPfo, k.call("page_fault_oops", 0xf9, "__crash_kexec"));
        long sCk = sPfo - 0xc0;                       // __crash_kexec's frame size is unknown to ORC
        k.put64(sCk, k.call("__crash_kexec", 0x77, "machine_kexec"));
        long sMk = sCk - 0x58;
        k.put64(sMk, k.call("machine_kexec", 0xbf, "relocate_kernel"));
        k.put64(sMk - 0x40, k.call("machine_kexec", 0x50, "do_user_addr_fault")); // stale, wrong callee

        var bt = k.unwinder().fromCrashRegisters(oopsRegs, Stacks.of(task));

        assertThat(lines(bt)).containsExactly(at("machine_kexec", sMk), at("__crash_kexec", sCk),
                at("page_fault_oops", sPfo) + "/SCANNED?", at("exc_page_fault", sExc), at("asm_exc_page_fault", sAsm),
                "regs@" + Long.toHexString(p), at("jk_write", faultSp) + "/INTERRUPTED", at("proc_reg_write", faultSp + 0x30));
        assertThat(bt.complete()).isTrue();
        assertThat(bt.problem()).hasValueSatisfying(m -> assertThat(m).contains("__crash_kexec+0x77"));
        assertThat(bt.crashSite(5)).containsExactly("jk_write", "proc_reg_write");
    }
}
