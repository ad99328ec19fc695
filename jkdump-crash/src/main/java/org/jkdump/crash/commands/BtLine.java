package org.jkdump.crash.commands;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One element of a task's backtrace as {@code bt} shows it: a numbered frame, saved registers,
 * a stack switch, or the CPU registers the walk started from.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({@JsonSubTypes.Type(value = BtLine.FrameLine.class, name = "frame"),
        @JsonSubTypes.Type(value = BtLine.ExceptionLine.class, name = "exception"),
        @JsonSubTypes.Type(value = BtLine.StackSwitch.class, name = "stack-switch"),
        @JsonSubTypes.Type(value = BtLine.CpuRegistersLine.class, name = "cpu-registers")})
public sealed interface BtLine {
    /**
     * A numbered frame.
     *
     * @param level        crash's frame number
     * @param frameAddress the stack slot crash prints in brackets
     * @param pc           the code address after "at"
     * @param function     the function's name, when a symbol covers pc
     * @param offset       pc's offset into the function
     * @param module       the module holding the function, empty for vmlinux
     * @param kind         how the unwinder found it (start, call, interrupted, scanned)
     * @param reliable     false for frames found by a fallback (frame pointers, stack scanning)
     * @param contents     for {@code bt -f}: the stack words of the frame, from frameAddress + 8 up to
     *                     and including the next numbered frame's return address on the same stack
     *                     (crash prints them after the register block when one follows the frame)
     */
    record FrameLine(int level, long frameAddress, long pc, Optional<String> function, long offset, Optional<String> module,
                     String kind, boolean reliable, List<Long> contents) implements BtLine {
    }

    /**
     * Registers the entry code saved ({@code struct pt_regs}): an exception, interrupt or system call.
     *
     * @param address   where they lie on the stack
     * @param userMode  the saved context was user space (the bottom of the kernel stack)
     * @param partial   only the hardware iret frame (rip, cs, rflags, rsp, ss) is valid
     * @param rip       {@code fn+offset} of the saved rip for kernel mode, as crash's "[exception RIP: ...]"
     * @param registers register name (crash's lower-case names) to value
     */
    record ExceptionLine(long address, boolean userMode, boolean partial, Optional<String> rip, Map<String, Long> registers)
            implements BtLine {
    }

    /** The walk left stack {@code from} ("NMI exception stack", "IRQ stack") for {@code to}. */
    record StackSwitch(String from, String to) implements BtLine {
    }

    /**
     * The registers of the CPU's NT_PRSTATUS note where the walk starts, for a CPU the dump
     * caught where it was (no crash path on its stack). crash heads them {@code [exception RIP:
     * fn+off]} ({@code user space} in user mode) and, for the dump formats whose notes it shows
     * (kdump-compressed, QEMU's ELF), prints them as its display_regs_from_elf_notes() does.
     *
     * @param rip       {@code fn+offset} of rip, or "user space"
     * @param shown     the register block is printed
     * @param registers register name (crash's lower-case names) to value
     */
    record CpuRegistersLine(String rip, boolean userMode, boolean shown, Map<String, Long> registers) implements BtLine {
    }
}
