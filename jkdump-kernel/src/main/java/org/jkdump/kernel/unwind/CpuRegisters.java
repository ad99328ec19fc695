package org.jkdump.kernel.unwind;

import java.util.Optional;
import org.jkdump.format.X86Registers;

/**
 * A CPU's registers as the dump's NT_PRSTATUS note holds them, taken as the start of the walk
 * because the stack shows no crash path that saved them (no crash_kexec, no crash NMI): the
 * state of a CPU of a machine dumped while it ran (QEMU's dump-guest-memory), stopped where
 * it happened to be. The first entry of such a backtrace; the walk goes on from rip and rsp.
 *
 * @param userMode    the CPU was in user space (cs & 3): nothing of the kernel stack follows
 * @param ripFunction the function rip points into
 */
public record CpuRegisters(X86Registers registers, boolean userMode, Optional<CodeSymbol> ripFunction) implements BacktraceEntry {
}
