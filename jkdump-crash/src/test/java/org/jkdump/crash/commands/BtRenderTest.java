package org.jkdump.crash.commands;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import org.jkdump.crash.CrashTranscript;
import org.jkdump.crash.JsonRenderer;
import org.jkdump.format.X86Registers;
import org.jkdump.kernel.unwind.Backtrace;
import org.jkdump.kernel.unwind.BacktraceEntry;
import org.jkdump.kernel.unwind.CodeSymbol;
import org.jkdump.kernel.unwind.ExceptionFrame;
import org.jkdump.kernel.unwind.Frame;
import org.jkdump.kernel.unwind.StackRange;
import org.jkdump.kernel.unwind.StackTransition;
import org.junit.jupiter.api.Test;

/** The bt layout against what crash printed for kdump-sysrq's CPU 0 (NMI-stopped idle task). */
class BtRenderTest {
    static Frame frame(String fn, long start, long pc, long slot, Frame.Kind kind) {
        return new Frame(pc, slot, slot + 8, Optional.of(new CodeSymbol(fn, start, 0x100, Optional.empty())), kind, true);
    }

    @Test
    void rendersNmiStoppedCpuAsCrashDoes() {
        var nmi = new StackRange(StackRange.Kind.EXCEPTION, "NMI", 0xfffffe000000c000L, 0xfffffe000000e000L);
        var task = new StackRange(StackRange.Kind.TASK, "process", 0xffffffffb8400000L, 0xffffffffb8404000L);
        var regs = new X86Registers(0x14790, 0, 0, 0, 0xffffffffb841aa40L, 0, 0, 0xfffffffbL, 0x3d118732L, 0xfffffffffff209c3L,
                0x1ad40, 0xffffcf9200420000L, 0x4000000000000000L, 0, 0xe31c, -1, 0xffffffffb74592ebL, 0x10, 0x246,
                0xffffffffb8403e98L, 0x18, 0, 0, 0, 0, 0, 0);
        var halt = new CodeSymbol("native_safe_halt", 0xffffffffb74592e0L, 0x10, Optional.empty());
        List<BacktraceEntry> entries = List.of(
                frame("crash_nmi_callback", 0xffffffffb6a6b360L, 0xffffffffb6a6b39cL, 0xfffffe000000dea8L, Frame.Kind.CALL),
                frame("default_do_nmi", 0xffffffffb7445a00L, 0xffffffffb7445ae0L, 0xfffffe000000deb0L, Frame.Kind.CALL),
                frame("exc_nmi", 0xffffffffb7445c00L, 0xffffffffb7445d2eL, 0xfffffe000000ded0L, Frame.Kind.CALL),
                frame("end_repeat_nmi", 0xffffffffb7601700L, 0xffffffffb76017c0L, 0xfffffe000000def0L, Frame.Kind.CALL),
                new ExceptionFrame(0xfffffe000000def8L, regs, false, false, Optional.of(halt)),
                new StackTransition(nmi, task),
                new Frame(0xffffffffb74592ebL, 0xffffffffb8403e98L, 0xffffffffb8403e98L, Optional.of(halt), Frame.Kind.INTERRUPTED, true),
                frame("amd_e400_idle", 0xffffffffb6a3ec00L, 0xffffffffb6a3ed0dL, 0xffffffffb8403e98L, Frame.Kind.CALL));
        var bt = new Backtrace(entries, Optional.empty(), true);
        var result = new BtResult(List.of(new TaskBacktrace(0, 0xffffffffb841aa40L, 0, "swapper/0", Bt.lines(bt, null),
                bt.problem(), bt.complete(), 0, List.of())));

        var text = new StringWriter();
        Bt.renderText(result, new PrintWriter(text, true));

        var crash = CrashTranscript.of("kdump-sysrq").section("bt -a").lines();
        assertThat(text.toString().lines().toList()).isEqualTo(crash.subList(0, 16));
        assertThat(JsonRenderer.toJson(result)).contains("\"type\" : \"frame\"", "\"type\" : \"exception\"", "\"type\" : \"stack-switch\"", "\"function\" : \"native_safe_halt\"", "\"kind\" : \"interrupted\"",
                "\"rip\" : \"native_safe_halt+11\"", "\"from\" : \"NMI exception stack\"");
    }
    /**
     * Back from the IRQ stack (sysrq2's CPU 1, NMI'd inside an interrupt that hit the idle
     * task): crash shows asm_common_interrupt's frame at the pt_regs it saved, 8 bytes above
     * the return address; a frame after an NMI stack switch keeps its own slot.
     */
    @Test
    void frameBackFromIrqStackShowsItsSavedRegistersAddress() {
        var irq = new StackRange(StackRange.Kind.IRQ, "IRQ", 0xffffcc1bc00cd000L, 0xffffcc1bc00d1000L);
        var task = new StackRange(StackRange.Kind.TASK, "process", 0xffffcc1bc0098000L, 0xffffcc1bc009c000L);
        var regs = new X86Registers(0, 0, 0, 1, 0xffff8a710125b080L, 0, 0, 0xfffffffbL, 0x313b162cL, 0xffffffffffc50465L,
                0x1ad40, 0, 0x4000000000000000L, 0, 0x3e534, -1, 0xffffffff97e592ebL, 0x10, 0x246,
                0xffffcc1bc009bed8L, 0x18, 0, 0, 0, 0, 0, 0);
        var halt = new CodeSymbol("native_safe_halt", 0xffffffff97e592e0L, 0x10, Optional.empty());
        List<BacktraceEntry> entries = List.of(
                frame("common_interrupt", 0xffffffff97e45600L, 0xffffffff97e4567dL, 0xffffcc1bc00d0ff0L, Frame.Kind.CALL),
                new StackTransition(irq, task),
                frame("asm_common_interrupt", 0xffffffff98000e40L, 0xffffffff98000e62L, 0xffffcc1bc009be20L, Frame.Kind.CALL),
                new ExceptionFrame(0xffffcc1bc009be28L, regs, false, false, Optional.of(halt)),
                new Frame(0xffffffff97e592ebL, 0xffffcc1bc009bed8L, 0xffffcc1bc009bed8L, Optional.of(halt), Frame.Kind.INTERRUPTED, true),
                frame("amd_e400_idle", 0xffffffff9743ec00L, 0xffffffff9743ed0dL, 0xffffcc1bc009bed8L, Frame.Kind.CALL));
        var lines = Bt.lines(new Backtrace(entries, Optional.empty(), true), null);
        assertThat(lines).filteredOn(BtLine.FrameLine.class::isInstance).map(l -> (BtLine.FrameLine) l)
                .extracting(BtLine.FrameLine::frameAddress)
                .containsExactly(0xffffcc1bc00d0ff0L, 0xffffcc1bc009be28L, 0xffffcc1bc009bed8L);
    }
}
