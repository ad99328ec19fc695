package org.jkdump.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The x86-64 general registers as {@code struct user_regs_struct} lays them out
 * (arch/x86/include/asm/user_64.h), which is {@code elf_gregset_t} in NT_PRSTATUS and the
 * order of {@code struct pt_regs} up to ss.
 */
public record X86Registers(long r15, long r14, long r13, long r12, long rbp, long rbx, long r11, long r10,
                           long r9, long r8, long rax, long rcx, long rdx, long rsi, long rdi, long origRax,
                           long rip, long cs, long eflags, long rsp, long ss, long fsBase, long gsBase,
                           long ds, long es, long fs, long gs) {
    /** Number of 8-byte slots in user_regs_struct. */
    public static final int COUNT = 27;
    public static final int BYTES = COUNT * 8;

    /** Decodes {@code BYTES} little-endian bytes at {@code off}. */
    public static X86Registers decode(byte[] b, int off) {
        var bb = ByteBuffer.wrap(b, off, BYTES).order(ByteOrder.LITTLE_ENDIAN);
        long[] v = new long[COUNT];
        for (int i = 0; i < COUNT; i++) v[i] = bb.getLong();
        return new X86Registers(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12],
                v[13], v[14], v[15], v[16], v[17], v[18], v[19], v[20], v[21], v[22], v[23], v[24], v[25], v[26]);
    }

    /** Encodes in user_regs_struct order. */
    public byte[] encode() {
        var bb = ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (var v : asMap().values()) bb.putLong(v);
        return bb.array();
    }

    /** Register name (as crash prints it, lower case) to value, in struct order. */
    public Map<String, Long> asMap() {
        var m = new LinkedHashMap<String, Long>();
        m.put("r15", r15); m.put("r14", r14); m.put("r13", r13); m.put("r12", r12);
        m.put("rbp", rbp); m.put("rbx", rbx); m.put("r11", r11); m.put("r10", r10);
        m.put("r9", r9); m.put("r8", r8); m.put("rax", rax); m.put("rcx", rcx);
        m.put("rdx", rdx); m.put("rsi", rsi); m.put("rdi", rdi); m.put("orig_rax", origRax);
        m.put("rip", rip); m.put("cs", cs); m.put("eflags", eflags); m.put("rsp", rsp);
        m.put("ss", ss); m.put("fs_base", fsBase); m.put("gs_base", gsBase);
        m.put("ds", ds); m.put("es", es); m.put("fs", fs); m.put("gs", gs);
        return m;
    }
}
