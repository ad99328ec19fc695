package org.jkdump.kexec.classic;

import static org.jkdump.kexec.classic.X86Code.R10;
import static org.jkdump.kexec.classic.X86Code.R11;
import static org.jkdump.kexec.classic.X86Code.R12;
import static org.jkdump.kexec.classic.X86Code.R13;
import static org.jkdump.kexec.classic.X86Code.R14;
import static org.jkdump.kexec.classic.X86Code.R15;
import static org.jkdump.kexec.classic.X86Code.R8;
import static org.jkdump.kexec.classic.X86Code.R9;
import static org.jkdump.kexec.classic.X86Code.RAX;
import static org.jkdump.kexec.classic.X86Code.RBP;
import static org.jkdump.kexec.classic.X86Code.RBX;
import static org.jkdump.kexec.classic.X86Code.RCX;
import static org.jkdump.kexec.classic.X86Code.RDI;
import static org.jkdump.kexec.classic.X86Code.RDX;
import static org.jkdump.kexec.classic.X86Code.RSI;
import static org.jkdump.kexec.classic.X86Code.RSP;

/**
 * SHA-256 (FIPS 180-4) in x86-64 for the purgatory: one message made of the regions of a table,
 * in table order, so the purgatory can check the loaded segments against the digest the loader
 * computed with {@link java.security.MessageDigest} over the same bytes.
 *
 * <p>The routine {@value #ENTRY} follows the SysV calling convention so the host can call it
 * to test it: {@code void sha256(const struct { u64 start, len; } regions[16], u8 out[32])}.
 * It keeps every changing value on the stack (a {@value #FRAME}-byte frame) and reads only
 * constants from its own bytes, RIP-relative, so the code runs wherever it is copied,
 * including from non-writable memory. Zero-length regions contribute nothing.
 *
 * <p>Shape: {@code update} feeds a region; whole 64-byte blocks go to {@code compress} straight
 * from memory when the block buffer is empty (always, for the page-aligned segments of a
 * crash image), other bytes one at a time through the buffer in the frame. Padding (0x80,
 * zeros, the 64-bit big-endian bit count) is fed through {@code update} too, from a constant
 * and from the frame. {@code compress} builds the 64-word message schedule in the frame and
 * runs the 64 rounds with the working variables a..h in r8d..r15d, moving them down one
 * register after each round (plainer to check than unrolled renaming).
 */
final class Sha256Routine {
    static final String ENTRY = "sha256";
    /** Frame layout (offsets from the frame base in rdi): hash state H0..H7, the output pointer, the encoded length, the block buffer, W[0..63]. */
    static final int STATE = 0, OUT = 32, LENGTH = 40, BLOCK = 48, SCHEDULE = 112, FRAME = SCHEDULE + 64 * 4;
    /** How many (start, len) pairs the table holds: KEXEC_SEGMENT_MAX, of which the purgatory's own is never one. */
    static final int REGIONS = 16;

    /** The initial hash value (FIPS 180-4 5.3.3): fractional parts of the square roots of the first 8 primes. */
    static final int[] H0 = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    /** The round constants (FIPS 180-4 4.2.2): fractional parts of the cube roots of the first 64 primes. */
    static final int[] K = {
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
            0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
            0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
            0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
            0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
            0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
            0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

    // opcodes of the register forms (see X86Code.rr/load/store)
    private static final int ADD = 0x01, OR = 0x09, AND = 0x21, SUB = 0x29, XOR = 0x31, TEST = 0x85, MOV = 0x89,
            ADD_LOAD = 0x03, MOV_LOAD = 0x8b, MOVB_LOAD = 0x8a, MOVB_STORE = 0x88, LEA = 0x8d;
    private static final int CC_B = 2, CC_Z = 4, CC_NZ = 5;

    private Sha256Routine() {
    }

    /** Emits the routine's code: {@value #ENTRY} and its helpers {@code update} and {@code compress}. */
    static void emitCode(X86Code c) {
        entry(c);
        update(c);
        compress(c);
    }

    /** Emits the constants the code reads: K, H0 and the padding bytes. */
    static void emitData(X86Code c) {
        c.align(4).label("sha256_k");
        for (int i = 0; i < K.length; i++) c.long32(K[i], "K[" + i + "]");
        c.label("sha256_h0");
        for (int i = 0; i < H0.length; i++) c.long32(H0[i], "H0[" + i + "]");
        c.label("sha256_pad").byte8(0x80, "padding: a 1 bit, then zeros up to 56 bytes mod 64").zeros(63, "");
    }

    private static void entry(X86Code c) {
        c.label(ENTRY);
        for (int r : new int[] {RBX, RBP, R12, R13, R14, R15}) c.push(r, "callee-saved in the SysV ABI (the host test calls us)");
        c.imm("sub", 5, 8, FRAME, RSP, "the frame: state, block buffer, message schedule")
                .rr("mov", MOV, 8, RDI, RBX, "rbx walks the region table")
                .rr("mov", MOV, 8, RSP, RDI, "rdi = frame base for the whole computation")
                .store("mov", MOV, 8, RSI, RDI, OUT, "remember where the digest goes")
                .ripRelative("leaq sha256_h0(%rip), %rsi", "state = H0", "sha256_h0", 0x48, 0x8d, 0x35)
                .movImm(32, RCX, "32 bytes")
                .op("rep movsb", "copy H0 into the frame's state", 0xf3, 0xa4)
                .imm("sub", 5, 8, 32, RDI, "rep movsb advanced rdi: back to the frame base")
                .rr("xor", XOR, 4, R9, R9, "r9 = message length in bytes so far")
                .movImm(REGIONS, RBP, "every entry of the table; empty ones add nothing")
                .label("sha256_next_region")
                .load("mov", MOV_LOAD, 8, RBX, 0, RSI, "region start")
                .load("mov", MOV_LOAD, 8, RBX, 8, RDX, "region length")
                .call("sha256_update", "hash this region")
                .imm("add", 0, 8, 16, RBX, "next (start, len) pair")
                .incDec("dec", 1, 4, RBP, "regions left")
                .jump("jnz", CC_NZ, "sha256_next_region", "loop over the table")
                .rr("mov", MOV, 8, R9, RAX, "message length")
                .shift("shl", 4, 8, 3, RAX, "in bits")
                .bswap(8, RAX, "big-endian")
                .store("mov", MOV, 8, RAX, RDI, LENGTH, "kept in the frame to be fed after the padding")
                .movImm(55, RDX, "padding bytes: (55 - length) mod 64, plus one,")
                .rr("sub", SUB, 4, R9, RDX, "55 - length")
                .imm("and", 4, 4, 63, RDX, "mod 64")
                .incDec("inc", 0, 4, RDX, "so that the length ends the last block")
                .ripRelative("leaq sha256_pad(%rip), %rsi", "0x80 then zeros", "sha256_pad", 0x48, 0x8d, 0x35)
                .call("sha256_update", "feed the padding")
                .load("lea", LEA, 8, RDI, LENGTH, RSI, "the 8 length bytes complete the last block")
                .movImm(8, RDX, "8 bytes")
                .call("sha256_update", "feed the length")
                .load("mov", MOV_LOAD, 8, RDI, OUT, RSI, "digest = the state words, big-endian")
                .movImm(8, RCX, "8 words")
                .label("sha256_store_digest")
                .load("mov", MOV_LOAD, 4, RDI, STATE, RAX, "state word")
                .bswap(4, RAX, "to big-endian")
                .store("mov", MOV, 4, RAX, RSI, 0, "into the output")
                .imm("add", 0, 8, 4, RDI, "next state word")
                .imm("add", 0, 8, 4, RSI, "next output word")
                .incDec("dec", 1, 4, RCX, "words left")
                .jump("jnz", CC_NZ, "sha256_store_digest", "loop")
                .imm("add", 0, 8, FRAME, RSP, "drop the frame");
        for (int r : new int[] {R15, R14, R13, R12, RBP, RBX}) c.pop(r, "the caller's registers");
        c.op("ret", "back to the caller", 0xc3);
    }

    /** update(rsi = bytes, rdx = count); r9 counts the message, rdi is the frame. Clobbers rax, rcx and what compress does. */
    private static void update(X86Code c) {
        c.label("sha256_update")
                .rr("test", TEST, 8, RDX, RDX, "bytes left?")
                .jump("jz", CC_Z, "sha256_update_done", "nothing left")
                .testByte(63, R9, "block buffer empty?")
                .jump("jnz", CC_NZ, "sha256_update_byte", "no: fill it")
                .imm("cmp", 7, 8, 64, RDX, "a whole block left?")
                .jump("jb", CC_B, "sha256_update_byte", "no: through the buffer")
                .call("sha256_compress", "yes: compress it where it lies")
                .imm("add", 0, 8, 64, RSI, "past the block")
                .imm("sub", 5, 8, 64, RDX, "64 bytes fewer to feed")
                .imm("add", 0, 8, 64, R9, "counted in the message length")
                .jmp("sha256_update", "go on with the rest")
                .label("sha256_update_byte")
                .load("mov", MOVB_LOAD, 1, RSI, 0, RAX, "one byte")
                .rr("mov", MOV, 4, R9, RCX, "message length so far")
                .imm("and", 4, 4, 63, RCX, "its place in the block")
                .rr("add", ADD, 8, RDI, RCX, "rcx = frame + place")
                .store("mov", MOVB_STORE, 1, RAX, RCX, BLOCK, "into the frame's block buffer")
                .incDec("inc", 0, 8, RSI, "next source byte")
                .incDec("dec", 1, 8, RDX, "one byte fewer to feed")
                .incDec("inc", 0, 8, R9, "the message grew by one")
                .testByte(63, R9, "buffer full?")
                .jump("jnz", CC_NZ, "sha256_update", "not yet")
                .push(RSI, "keep the source pointer")
                .load("lea", LEA, 8, RDI, BLOCK, RSI, "compress reads the block buffer")
                .call("sha256_compress", "compress the buffer")
                .pop(RSI, "the source pointer again")
                .jmp("sha256_update", "go on with the rest")
                .label("sha256_update_done")
                .op("ret", "region fed", 0xc3);
    }

    /** compress(rsi = 64-byte block) into the state at rdi. Preserves rsi, rdx, rbx, rbp, r9 (update's); clobbers rax, rcx, r8, r10-r15. */
    private static void compress(X86Code c) {
        int a = R8, b = R9, cc = R10, d = R11, e = R12, f = R13, g = R14, h = R15;
        c.label("sha256_compress");
        for (int r : new int[] {RSI, RDX, RBX, RBP, R9}) c.push(r, "update's state, kept across the rounds");
        c.load("lea", LEA, 8, RDI, SCHEDULE, RBX, "rbx = &W[t]")
                .movImm(16, RBP, "W[0..15]: the block's big-endian words")
                .label("sha256_load_w")
                .load("mov", MOV_LOAD, 4, RSI, 0, RAX, "block word")
                .bswap(4, RAX, "big-endian to the machine's order")
                .store("mov", MOV, 4, RAX, RBX, 0, "W[t]")
                .imm("add", 0, 8, 4, RSI, "next block word")
                .imm("add", 0, 8, 4, RBX, "next W")
                .incDec("dec", 1, 4, RBP, "words left")
                .jump("jnz", CC_NZ, "sha256_load_w", "loop")
                .movImm(48, RBP, "W[16..63] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16]")
                .label("sha256_expand_w")
                .load("mov", MOV_LOAD, 4, RBX, -2 * 4, RAX, "W[t-2]")
                .rr("mov", MOV, 4, RAX, RCX, "copy W[t-2]")
                .shift("ror", 1, 4, 17, RCX, "W[t-2] ror 17")
                .rr("mov", MOV, 4, RAX, RDX, "copy")
                .shift("ror", 1, 4, 19, RDX, "W[t-2] ror 19")
                .rr("xor", XOR, 4, RDX, RCX, "combine")
                .shift("shr", 5, 4, 10, RAX, "W[t-2] shr 10")
                .rr("xor", XOR, 4, RAX, RCX, "ecx = s1 = ror17 ^ ror19 ^ shr10")
                .load("mov", MOV_LOAD, 4, RBX, -15 * 4, RAX, "W[t-15]")
                .rr("mov", MOV, 4, RAX, RDX, "copy")
                .shift("ror", 1, 4, 7, RDX, "W[t-15] ror 7")
                .rr("mov", MOV, 4, RAX, RSI, "copy W[t-15]")
                .shift("ror", 1, 4, 18, RSI, "W[t-15] ror 18")
                .rr("xor", XOR, 4, RSI, RDX, "combine")
                .shift("shr", 5, 4, 3, RAX, "W[t-15] shr 3")
                .rr("xor", XOR, 4, RAX, RDX, "edx = s0 = ror7 ^ ror18 ^ shr3")
                .rr("add", ADD, 4, RDX, RCX, "s1 + s0")
                .load("add", ADD_LOAD, 4, RBX, -7 * 4, RCX, "+ W[t-7]")
                .load("add", ADD_LOAD, 4, RBX, -16 * 4, RCX, "+ W[t-16]")
                .store("mov", MOV, 4, RCX, RBX, 0, "W[t]")
                .imm("add", 0, 8, 4, RBX, "next W")
                .incDec("dec", 1, 4, RBP, "words left")
                .jump("jnz", CC_NZ, "sha256_expand_w", "loop");
        for (int i = 0; i < 8; i++) c.load("mov", MOV_LOAD, 4, RDI, STATE + 4 * i, R8 + i, "abcdefgh".charAt(i) + " = H" + i + " (a..h live in r8d..r15d)");
        c.load("lea", LEA, 8, RDI, SCHEDULE, RBX, "rbx = &W[t]")
                .ripRelative("leaq sha256_k(%rip), %rsi", "rsi = &K[t]", "sha256_k", 0x48, 0x8d, 0x35)
                .movImm(64, RBP, "64 rounds")
                .label("sha256_round")
                .rr("mov", MOV, 4, e, RAX, "e")
                .shift("ror", 1, 4, 6, RAX, "e ror 6")
                .rr("mov", MOV, 4, e, RCX, "e")
                .shift("ror", 1, 4, 11, RCX, "e ror 11")
                .rr("xor", XOR, 4, RCX, RAX, "combine")
                .shift("ror", 1, 4, 14, RCX, "e ror 25")
                .rr("xor", XOR, 4, RCX, RAX, "eax = S1 = e ror 6 ^ ror 11 ^ ror 25")
                .rr("mov", MOV, 4, f, RCX, "f")
                .rr("xor", XOR, 4, g, RCX, "f ^ g")
                .rr("and", AND, 4, e, RCX, "e & (f ^ g)")
                .rr("xor", XOR, 4, g, RCX, "ecx = Ch = g ^ (e & (f ^ g))")
                .rr("add", ADD, 4, RCX, RAX, "S1 + Ch")
                .rr("add", ADD, 4, h, RAX, "+ h")
                .load("add", ADD_LOAD, 4, RSI, 0, RAX, "+ K[t]")
                .load("add", ADD_LOAD, 4, RBX, 0, RAX, "eax = T1 = h + S1 + Ch + K[t] + W[t]")
                .rr("add", ADD, 4, RAX, d, "d + T1: the next e")
                .rr("mov", MOV, 4, a, RCX, "a")
                .shift("ror", 1, 4, 2, RCX, "a ror 2")
                .rr("mov", MOV, 4, a, RDX, "a")
                .shift("ror", 1, 4, 13, RDX, "a ror 13")
                .rr("xor", XOR, 4, RDX, RCX, "combine")
                .shift("ror", 1, 4, 9, RDX, "a ror 22")
                .rr("xor", XOR, 4, RDX, RCX, "ecx = S0 = a ror 2 ^ ror 13 ^ ror 22")
                .rr("add", ADD, 4, RCX, RAX, "T1 + S0")
                .rr("mov", MOV, 4, a, RCX, "a")
                .rr("or", OR, 4, b, RCX, "a | b")
                .rr("and", AND, 4, cc, RCX, "c & (a | b)")
                .rr("mov", MOV, 4, a, RDX, "a")
                .rr("and", AND, 4, b, RDX, "a & b")
                .rr("or", OR, 4, RDX, RCX, "ecx = Maj(a, b, c)")
                .rr("add", ADD, 4, RCX, RAX, "eax = T1 + S0 + Maj: the next a")
                .rr("mov", MOV, 4, g, h, "h = g")
                .rr("mov", MOV, 4, f, g, "g = f")
                .rr("mov", MOV, 4, e, f, "f = e")
                .rr("mov", MOV, 4, d, e, "e = d + T1")
                .rr("mov", MOV, 4, cc, d, "d = c")
                .rr("mov", MOV, 4, b, cc, "c = b")
                .rr("mov", MOV, 4, a, b, "b = a")
                .rr("mov", MOV, 4, RAX, a, "a = T1 + T2")
                .imm("add", 0, 8, 4, RSI, "next K")
                .imm("add", 0, 8, 4, RBX, "next W")
                .incDec("dec", 1, 4, RBP, "rounds left")
                .jump("jnz", CC_NZ, "sha256_round", "loop");
        for (int i = 0; i < 8; i++) c.store("add", ADD, 4, R8 + i, RDI, STATE + 4 * i, "H" + i + " += " + "abcdefgh".charAt(i));
        for (int r : new int[] {R9, RBP, RBX, RDX, RSI}) c.pop(r, "update's state again");
        c.op("ret", "block compressed", 0xc3);
    }
}
