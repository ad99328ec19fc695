package org.jkdump.kernel.unwind;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jkdump.format.X86Registers;
import org.jkdump.kernel.KernelMemory;

/**
 * {@code struct pt_regs} on x86-64 (arch/x86/include/asm/ptrace.h): r15 … r8, ax, cx, dx, si,
 * di, orig_ax, ip, cs, flags, sp, ss — 21 eight-byte slots in the order of
 * {@code user_regs_struct}. The layout is fixed by the entry assembly (PUSH_REGS) and by the
 * ptrace ABI, not by the compiler, which is why it is spelled out here instead of being taken
 * from BTF.
 */
public final class PtRegs {
    public static final int SLOTS = 21;
    public static final int SIZE = SLOTS * 8;
    /** offsetof(struct pt_regs, ip): where the hardware iret frame starts (IRET_FRAME_OFFSET) */
    public static final int IRET_FRAME_OFFSET = 16 * 8;
    /** ip, cs, flags, sp, ss (IRET_FRAME_SIZE) */
    public static final int IRET_FRAME_SIZE = 5 * 8;
    private static final int IP = 16, CS = 17, FLAGS = 18, SP = 19, SS = 20;

    private PtRegs() {
    }

    /** Reads a full pt_regs at {@code address}. */
    public static X86Registers read(KernelMemory memory, long address) {
        return decode(memory.read(address, SIZE));
    }

    /** Reads only the iret frame at {@code iretAddress} (the other registers come back as zero). */
    public static X86Registers readIret(KernelMemory memory, long iretAddress) {
        var bb = ByteBuffer.wrap(memory.read(iretAddress, IRET_FRAME_SIZE)).order(ByteOrder.LITTLE_ENDIAN);
        var v = new long[SLOTS];
        for (int i = IP; i <= SS; i++) v[i] = bb.getLong((i - IP) * 8);
        return of(v);
    }

    public static X86Registers decode(byte[] b) {
        var bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        var v = new long[SLOTS];
        for (int i = 0; i < SLOTS; i++) v[i] = bb.getLong(i * 8);
        return of(v);
    }

    /** The 21 pt_regs slots of {@code r} in memory order. */
    public static long[] slots(X86Registers r) {
        return new long[] {r.r15(), r.r14(), r.r13(), r.r12(), r.rbp(), r.rbx(), r.r11(), r.r10(), r.r9(), r.r8(),
                r.rax(), r.rcx(), r.rdx(), r.rsi(), r.rdi(), r.origRax(), r.rip(), r.cs(), r.eflags(), r.rsp(), r.ss()};
    }

    /** Encodes the 21 slots (for tests and synthetic stacks). */
    public static byte[] encode(X86Registers r) {
        var bb = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (long s : slots(r)) bb.putLong(s);
        return bb.array();
    }

    /** Whether the saved context was user mode: the low two bits of cs (user_mode()). */
    public static boolean userMode(X86Registers r) {
        return (r.cs() & 3) != 0;
    }

    private static X86Registers of(long[] v) {
        return new X86Registers(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12],
                v[13], v[14], v[15], v[IP], v[CS], v[FLAGS], v[SP], v[SS], 0, 0, 0, 0, 0, 0);
    }
}
