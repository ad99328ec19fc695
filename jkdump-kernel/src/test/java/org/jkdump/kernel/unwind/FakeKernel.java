package org.jkdump.kernel.unwind;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.X86Registers;
import org.jkdump.kernel.KernelMemory;

/**
 * A small synthetic kernel for unwinder tests: a text region of named 256-byte functions with
 * real call instructions, ORC tables encoded in either layout, and stacks, all in a sparse
 * fake memory that fails reads outside what was written.
 */
final class FakeKernel implements KernelMemory {
    static final long TEXT = 0xffffffff81000000L;
    static final long FN_SIZE = 0x100;
    static final long ORC_IP = 0xffffffff82000000L;
    static final long ORC_ENTRIES = 0xffffffff82100000L;

    private final TreeMap<Long, byte[]> regions = new TreeMap<>();
    private final Map<String, Long> functions = new LinkedHashMap<>();
    private final TreeMap<Long, OrcEntry> orc = new TreeMap<>();
    private final OrcFormat format;

    FakeKernel(OrcFormat format) {
        this.format = format;
        map(TEXT, 0x10000);
    }

    void map(long start, int size) {
        regions.put(start, new byte[size]);
    }

    long fn(String name) {
        return functions.computeIfAbsent(name, n -> TEXT + FN_SIZE * functions.size());
    }

    /** Puts a direct call to {@code callee} in {@code caller} ending at offset {@code retOff}; returns the return address. */
    long call(String caller, int retOff, String callee) {
        long ret = fn(caller) + retOff;
        long target = fn(callee);
        put8(ret - 5, 0xe8);
        put32(ret - 4, (int) (target - ret));
        return ret;
    }

    /** A tail call ({@code jmp rel32}) from {@code from} at offset {@code off} to the start of {@code to}. */
    void tailJump(String from, int off, String to) {
        long at = fn(from) + off;
        put8(at, 0xe9);
        put32(at + 1, (int) (fn(to) - (at + 5)));
    }

    /** An indirect call ({@code call *%rax}) in {@code caller} ending at {@code retOff}. */
    long indirectCall(String caller, int retOff) {
        long ret = fn(caller) + retOff;
        put8(ret - 2, 0xff);
        put8(ret - 1, 0xd0);
        return ret;
    }

    /** The ORC entry for {@code fn(name)+off} onwards (until the next entry). */
    void orc(String name, int off, OrcEntry e) {
        orc.put(fn(name) + off, e);
    }

    static OrcEntry callSp(int spOffset) {
        return new OrcEntry(spOffset, 0, OrcEntry.Reg.SP, OrcEntry.Reg.UNDEFINED, OrcEntry.Type.CALL, false);
    }

    static OrcEntry regsSp(int spOffset) {
        return new OrcEntry(spOffset, 0, OrcEntry.Reg.SP, OrcEntry.Reg.UNDEFINED, OrcEntry.Type.REGS, false);
    }

    static OrcEntry end() {
        return new OrcEntry(0, 0, OrcEntry.Reg.UNDEFINED, OrcEntry.Reg.UNDEFINED, OrcEntry.Type.END_OF_STACK, false);
    }

    static OrcEntry undefined() {
        return new OrcEntry(0, 0, OrcEntry.Reg.UNDEFINED, OrcEntry.Reg.UNDEFINED, OrcEntry.Type.UNDEFINED, false);
    }

    StackRange stack(StackRange.Kind kind, String name, long start, int size) {
        map(start, size);
        return new StackRange(kind, name, start, start + size);
    }

    void put64(long addr, long v) {
        var r = region(addr, 8);
        ByteBuffer.wrap(r.getValue()).order(ByteOrder.LITTLE_ENDIAN).putLong((int) (addr - r.getKey()), v);
    }

    void putRegs(long addr, X86Registers regs) {
        var b = PtRegs.encode(regs);
        var r = region(addr, b.length);
        System.arraycopy(b, 0, r.getValue(), (int) (addr - r.getKey()), b.length);
    }

    void put8(long addr, int v) {
        var r = region(addr, 1);
        r.getValue()[(int) (addr - r.getKey())] = (byte) v;
    }

    void put32(long addr, int v) {
        var r = region(addr, 4);
        ByteBuffer.wrap(r.getValue()).order(ByteOrder.LITTLE_ENDIAN).putInt((int) (addr - r.getKey()), v);
    }

    private Map.Entry<Long, byte[]> region(long addr, int len) {
        var r = regions.floorEntry(addr);
        if (r == null || addr - r.getKey() + len > r.getValue().length)
            throw new JkdumpException("fake memory: address 0x" + Long.toHexString(addr) + " is not mapped");
        return r;
    }

    @Override
    public void read(long vaddr, byte[] dst, int off, int len) {
        var r = region(vaddr, len);
        System.arraycopy(r.getValue(), (int) (vaddr - r.getKey()), dst, off, len);
    }

    CodeSymbols symbols() {
        return addr -> {
            for (var f : functions.entrySet())
                if (addr >= f.getValue() && addr < f.getValue() + FN_SIZE)
                    return Optional.of(new CodeSymbol(f.getKey(), f.getValue(), FN_SIZE, Optional.empty()));
            return Optional.empty();
        };
    }

    /** Encodes the ORC table (with a terminator after the last function) and builds the unwinder. */
    Unwinder unwinder() {
        var sorted = new ArrayList<>(orc.entrySet());
        long textEnd = TEXT + FN_SIZE * functions.size();
        sorted.add(Map.entry(textEnd, undefined()));
        int n = sorted.size();
        map(ORC_IP, 4 * n);
        map(ORC_ENTRIES, OrcFormat.ENTRY_SIZE * n);
        for (int i = 0; i < n; i++) {
            long at = ORC_IP + 4L * i;
            put32(at, (int) (sorted.get(i).getKey() - at));
            var e = sorted.get(i).getValue();
            long ea = ORC_ENTRIES + (long) OrcFormat.ENTRY_SIZE * i;
            var r = region(ea, 6);
            ByteBuffer.wrap(r.getValue()).order(ByteOrder.LITTLE_ENDIAN).putShort((int) (ea - r.getKey()), (short) e.spOffset())
                    .putShort((int) (ea - r.getKey() + 2), (short) e.bpOffset())
                    .putShort((int) (ea - r.getKey() + 4), (short) format.encodeBits(e));
        }
        var table = new OrcTable("vmlinux", ORC_IP, ORC_ENTRIES, n, TEXT, textEnd + 1);
        return new Unwinder(new Orc(this, format, List.of(table)), symbols());
    }

    static X86Registers regs(long rip, long rsp, long cs) {
        return new X86Registers(15, 14, 13, 12, 0xbbbb, 0x1b, 11, 10, 9, 8, 0xa, 0xc, 0xd, 0x51, 0xd1, -1,
                rip, cs, 0x246, rsp, cs == 0x33 ? 0x2b : 0x18, 0, 0, 0, 0, 0, 0);
    }

    static X86Registers withR10(X86Registers r, long r10) {
        return new X86Registers(r.r15(), r.r14(), r.r13(), r.r12(), r.rbp(), r.rbx(), r.r11(), r10, r.r9(), r.r8(),
                r.rax(), r.rcx(), r.rdx(), r.rsi(), r.rdi(), r.origRax(), r.rip(), r.cs(), r.eflags(), r.rsp(), r.ss(),
                0, 0, 0, 0, 0, 0);
    }
}
