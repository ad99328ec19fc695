package org.jkdump.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One CPU's state at the crash, from its NT_PRSTATUS note ({@code struct elf_prstatus},
 * include/linux/elfcore.h): the pid of the task it ran and its registers. The kernel fills
 * the panicking CPU's in {@code crash_save_cpu()} and the others' from the NMI that stopped
 * them.
 */
public record CpuState(int cpu, int pid, int signal, X86Registers registers) {
    // struct elf_prstatus on x86-64: pr_info (12) pr_cursig (2, +2 pad) pr_sigpend (8) pr_sighold (8)
    // pr_pid pr_ppid pr_pgrp pr_sid (4 each) four struct timeval (16 each) pr_reg (216) pr_fpvalid (4)
    private static final int PR_CURSIG = 12, PR_PID = 32, PR_REG = 112;
    public static final int PRSTATUS_SIZE = 336;

    /** Decodes the descriptor of the {@code cpu}-th NT_PRSTATUS note. */
    public static CpuState fromPrStatus(int cpu, byte[] desc, String file) {
        if (desc.length < PR_REG + X86Registers.BYTES)
            throw new JkdumpException(file + ": NT_PRSTATUS note of CPU " + cpu + " has " + desc.length
                    + " bytes, an x86-64 elf_prstatus needs " + (PR_REG + X86Registers.BYTES));
        var bb = ByteBuffer.wrap(desc).order(ByteOrder.LITTLE_ENDIAN);
        return new CpuState(cpu, bb.getInt(PR_PID), bb.getShort(PR_CURSIG), X86Registers.decode(desc, PR_REG));
    }

    /** Encodes an elf_prstatus descriptor (for our writers and tests). */
    public byte[] toPrStatus() {
        var bb = ByteBuffer.allocate(PRSTATUS_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        bb.putShort(PR_CURSIG, (short) signal);
        bb.putInt(PR_PID, pid);
        bb.put(PR_REG, registers.encode());
        return bb.array();
    }
}
