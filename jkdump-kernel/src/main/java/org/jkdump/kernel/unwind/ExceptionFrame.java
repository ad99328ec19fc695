package org.jkdump.kernel.unwind;

import java.util.Optional;
import org.jkdump.format.X86Registers;

/**
 * Registers saved on a stack by the entry code ({@code struct pt_regs}): an interrupt,
 * exception, NMI or system call. In user mode it is the bottom of the kernel backtrace.
 *
 * @param address    where the pt_regs lie
 * @param registers  their values (fs_base and later are zero: pt_regs stops at ss)
 * @param userMode   the interrupted context was user space (cs & 3)
 * @param partial    only the hardware iret frame (ip, cs, flags, sp, ss) is valid
 * @param ripFunction the function the saved ip points into
 */
public record ExceptionFrame(long address, X86Registers registers, boolean userMode, boolean partial,
                             Optional<CodeSymbol> ripFunction) implements BacktraceEntry {
}
