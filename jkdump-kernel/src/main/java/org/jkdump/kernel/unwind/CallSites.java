package org.jkdump.kernel.unwind;

import java.util.OptionalLong;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.KernelMemory;

/**
 * Recognises return addresses by the x86-64 call instruction that must end just before them,
 * read from the kernel text in the dump (which holds the code as patched at boot:
 * alternatives and paravirt calls are already direct calls there).
 */
final class CallSites {
    /** Longest call encoding we look at: FF /2 with SIB and disp32 (7 bytes), or E8 rel32 (5). */
    private static final int WINDOW = 8;

    private final KernelMemory memory;
    private final CodeSymbols symbols;

    CallSites(KernelMemory memory, CodeSymbols symbols) {
        this.memory = memory;
        this.symbols = symbols;
    }

    /** Whether {@code address} is in text and preceded by a call instruction. */
    boolean isReturnAddress(long address) {
        if (!symbols.isText(address)) return false;
        byte[] b = before(address);
        if (b == null) return false;
        int n = b.length;
        if (u(b[n - 5]) == 0xe8) return true;                                      // call rel32
        if (u(b[n - 2]) == 0xff && (u(b[n - 1]) & 0xf8) == 0xd0) return true;      // call *%reg
        if (u(b[n - 3]) == 0x41 && u(b[n - 2]) == 0xff && (u(b[n - 1]) & 0xf8) == 0xd0) return true; // call *%r8-15
        if (u(b[n - 6]) == 0xff && u(b[n - 5]) == 0x15) return true;               // call *disp32(%rip)
        if (u(b[n - 3]) == 0xff && modrmCall(b[n - 2], 1)) return true;            // call *d8(%reg)
        if (u(b[n - 6]) == 0xff && modrmCall(b[n - 5], 2)) return true;            // call *d32(%reg)
        if (u(b[n - 2]) == 0xff && modrmCall(b[n - 1], 0)) return true;            // call *(%reg)
        if (u(b[n - 4]) == 0xff && u(b[n - 3]) == 0x54) return true;               // call *d8(%reg,%reg)
        if (u(b[n - 7]) == 0xff && u(b[n - 6]) == 0x14) return true;               // call *d32(,%reg,8)
        return false;
    }

    /** The target of the direct call (E8 rel32) that ends at {@code returnAddress}, if it is one. */
    OptionalLong directCallTarget(long returnAddress) {
        byte[] b = before(returnAddress);
        if (b == null || u(b[b.length - 5]) != 0xe8) return OptionalLong.empty();
        int rel = u(b[b.length - 4]) | u(b[b.length - 3]) << 8 | u(b[b.length - 2]) << 16 | b[b.length - 1] << 24;
        return OptionalLong.of(returnAddress + rel);
    }

    /**
     * Whether a call to {@code target} can end up running {@code function} in the same frame:
     * it is the target itself, or the target (or a function it jumps to) ends in a tail call
     * ({@code jmp rel32} or a conditional {@code jcc rel32}) to its start. Up to {@code depth}
     * jumps are followed.
     */
    boolean reaches(long target, long function, int depth) {
        if (target == function) return true;
        if (depth == 0) return false;
        var fn = symbols.function(target);
        if (fn.isEmpty() || fn.get().start() != target) return false;
        long size = fn.get().size();
        if (size <= 0 || size > MAX_FUNCTION) return false;
        byte[] code;
        try {
            code = memory.read(target, (int) size);
        } catch (JkdumpException e) {
            return false;
        }
        for (int i = 0; i + 5 <= code.length; i++) {
            int len;
            if (u(code[i]) == 0xe9) len = 5;
            else if (u(code[i]) == 0x0f && i + 6 <= code.length && (u(code[i + 1]) & 0xf0) == 0x80) len = 6;
            else continue;
            long dest = target + i + len + s32(code, i + len - 4);
            if (dest == function) return true;
            if (dest != target && (dest < target || dest >= target + size) && depth > 1
                    && symbols.function(dest).map(f -> f.start() == dest).orElse(false) && reaches(dest, function, depth - 1))
                return true;
        }
        return false;
    }

    /** Functions longer than this are not searched for tail calls. */
    private static final long MAX_FUNCTION = 64 * 1024;

    private static int s32(byte[] b, int i) {
        return u(b[i]) | u(b[i + 1]) << 8 | u(b[i + 2]) << 16 | b[i + 3] << 24;
    }

    private byte[] before(long address) {
        try {
            return memory.read(address - WINDOW, WINDOW);
        } catch (JkdumpException e) {
            return null; // text page not in the dump: cannot tell, so it is not a return address
        }
    }

    /** ModRM byte of FF /2 (call) with the given mod and a register that needs no SIB. */
    private static boolean modrmCall(byte modrm, int mod) {
        int m = u(modrm);
        return (m >> 6) == mod && ((m >> 3) & 7) == 2 && (m & 7) != 4 && !(mod == 0 && (m & 7) == 5);
    }

    private static int u(byte b) {
        return b & 0xff;
    }
}
