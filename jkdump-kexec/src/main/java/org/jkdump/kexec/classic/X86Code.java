package org.jkdump.kexec.classic;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tiny x86-64 code buffer: instructions are appended as their encoded bytes together with
 * the same instruction in GNU as (AT&amp;T) syntax and a comment, so the result can be read as
 * a listing and checked against the GNU assembler. RIP-relative operands name a label; their
 * 32-bit displacement is filled in when the code is finished (it is the last field of every
 * instruction used here, so it is relative to the end of that field).
 *
 * <p>Jumps to labels are encoded as GNU as does without optimisation flags: the short form
 * (rel8) unless the target is out of its reach. Since forward targets are unknown while
 * emitting, the caller emits the whole program, asks {@link #shortJumpsOutOfReach()} and emits
 * it again with those jumps long, until nothing changes ({@link #relax}) — the same
 * grow-only relaxation as the assembler's, so both settle on the same encodings.
 */
final class X86Code {
    /** One line of the listing: where it starts, its bytes, its assembler text and why it is there. */
    record Line(int offset, byte[] bytes, String asm, String comment) {
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<Line> lines = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();
    private final Map<Integer, String> fixups = new HashMap<>();
    /** Position of a rel8 displacement, the label it reaches and the jump's index. */
    private record ShortJump(int position, String label, int index) {
    }

    private final List<ShortJump> shortJumps = new ArrayList<>();
    private final Set<Integer> longJumps;
    private int jumps;

    X86Code() {
        this(Set.of());
    }

    /** Emission where the jumps with these indices (counted in emission order) take their rel32 form. */
    X86Code(Set<Integer> longJumps) {
        this.longJumps = longJumps;
    }

    /** Emits with {@code program} until every short jump reaches its target. */
    static X86Code relax(java.util.function.Consumer<X86Code> program) {
        var longs = new HashSet<Integer>();
        while (true) {
            var c = new X86Code(Set.copyOf(longs));
            program.accept(c);
            var far = c.shortJumpsOutOfReach();
            if (far.isEmpty()) return c;
            longs.addAll(far);
        }
    }

    /** Indices of the rel8 jumps whose target is more than a signed byte away. */
    Set<Integer> shortJumpsOutOfReach() {
        var far = new HashSet<Integer>();
        for (var j : shortJumps) {
            int disp = offsetOf(j.label()) - (j.position() + 1);
            if (disp < -128 || disp > 127) far.add(j.index());
        }
        return far;
    }

    /** An instruction with a fixed encoding. */
    X86Code op(String asm, String comment, int... bytes) {
        var b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) b[i] = (byte) bytes[i];
        lines.add(new Line(out.size(), b, asm, comment));
        out.writeBytes(b);
        return this;
    }

    /** An instruction ending in a disp32 relative to the next instruction, addressing {@code label}. */
    X86Code ripRelative(String asm, String comment, String label, int... opcode) {
        int[] all = new int[opcode.length + 4];
        System.arraycopy(opcode, 0, all, 0, opcode.length);
        fixups.put(out.size() + opcode.length, label);
        return op(asm, comment, all);
    }

    // ---- register operands: 0 rax .. 7 rdi, 8 r8 .. 15 r15 (the ModRM/REX numbering) ----
    static final int RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7,
            R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12, R13 = 13, R14 = 14, R15 = 15;
    private static final String[] NAMES64 = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"};
    private static final String[] NAMES32 = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
    private static final String[] NAMES8 = {"al", "cl", "dl", "bl"};

    /** Operand size: 1 byte, 4 (32-bit, the default) or 8 (REX.W). */
    static String reg(int r, int size) {
        return "%" + switch (size) {
            case 8 -> r < 8 ? NAMES64[r] : "r" + r;
            case 4 -> r < 8 ? NAMES32[r] : "r" + r + "d";
            case 1 -> {
                if (r >= 4 && r < 8) throw new IllegalArgumentException("spl/bpl/sil/dil not used here");
                yield r < 8 ? NAMES8[r] : "r" + r + "b";
            }
            default -> throw new IllegalArgumentException("size " + size);
        };
    }

    private static String suffix(int size) {
        return switch (size) {
            case 8 -> "q";
            case 4 -> "l";
            case 1 -> "b";
            default -> throw new IllegalArgumentException("size " + size);
        };
    }

    /** The REX prefix for these fields, or nothing when none is needed (W: 64-bit; R: reg field; B: rm/opcode register). */
    private static int[] rex(boolean w, int reg, int rm) {
        int rex = 0x40 | (w ? 8 : 0) | ((reg >> 3) << 2) | (rm >> 3);
        return rex == 0x40 ? new int[0] : new int[] {rex};
    }

    private static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }

    /**
     * A two-register instruction in its "op r/m, reg" form (opcode 0x01 add, 0x09 or, 0x21 and,
     * 0x29 sub, 0x31 xor, 0x39 cmp, 0x85 test, 0x89 mov): the form GNU as picks for register to register.
     */
    X86Code rr(String mnemonic, int opcode, int size, int src, int dst, String comment) {
        return op(mnemonic + suffix(size) + " " + reg(src, size) + ", " + reg(dst, size), comment,
                concat(rex(size == 8, src, dst), new int[] {opcode, 0xc0 | (src & 7) << 3 | (dst & 7)}));
    }

    /** ModRM (+ displacement) for [base + disp]: no displacement when 0, else disp8 when it fits, else disp32. */
    private static int[] memoryOperand(int reg, int base, int disp) {
        if ((base & 7) == RSP) throw new IllegalArgumentException("rsp/r12 as a base needs a SIB byte, not used here");
        int low = (reg & 7) << 3 | (base & 7);
        if (disp == 0 && (base & 7) != RBP) return new int[] {low};
        if (disp >= -128 && disp <= 127) return new int[] {0x40 | low, disp & 0xff};
        return new int[] {0x80 | low, disp & 0xff, disp >>> 8 & 0xff, disp >>> 16 & 0xff, disp >>> 24 & 0xff};
    }

    private static String memory(int base, int disp) {
        return (disp == 0 ? "" : Integer.toString(disp)) + "(" + reg(base, 8) + ")";
    }

    /** "op disp(base), reg": a load-form opcode (0x03 add, 0x8a movb, 0x8b mov, 0x8d lea). */
    X86Code load(String mnemonic, int opcode, int size, int base, int disp, int reg, String comment) {
        return op(mnemonic + suffix(size) + " " + memory(base, disp) + ", " + reg(reg, size), comment,
                concat(rex(size == 8, reg, base), new int[] {opcode}, memoryOperand(reg, base, disp)));
    }

    /** "op reg, disp(base)": a store-form opcode (0x01 add, 0x88 movb, 0x89 mov). */
    X86Code store(String mnemonic, int opcode, int size, int reg, int base, int disp, String comment) {
        return op(mnemonic + suffix(size) + " " + reg(reg, size) + ", " + memory(base, disp), comment,
                concat(rex(size == 8, reg, base), new int[] {opcode}, memoryOperand(reg, base, disp)));
    }

    /** Shift or rotate by an immediate other than 1 (C1 /ext ib: 1 ror, 4 shl, 5 shr); by 1 GNU as would pick D1. */
    X86Code shift(String mnemonic, int ext, int size, int count, int r, String comment) {
        if (count <= 1 || count > 63) throw new IllegalArgumentException("count " + count);
        return op(mnemonic + suffix(size) + " $" + count + ", " + reg(r, size), comment,
                concat(rex(size == 8, 0, r), new int[] {0xc1, 0xc0 | ext << 3 | (r & 7), count}));
    }

    /**
     * Arithmetic with an immediate (83 /ext ib when it fits a signed byte, else 81 /ext id;
     * ext 0 add, 4 and, 5 sub, 7 cmp). Not on eax/rax, for which GNU as has shorter forms.
     */
    X86Code imm(String mnemonic, int ext, int size, int value, int r, String comment) {
        if (r == RAX && (value < -128 || value > 127)) throw new IllegalArgumentException("accumulator form not used here");
        boolean small = value >= -128 && value <= 127;
        int[] tail = small ? new int[] {value & 0xff}
                : new int[] {value & 0xff, value >>> 8 & 0xff, value >>> 16 & 0xff, value >>> 24 & 0xff};
        return op(mnemonic + suffix(size) + " $" + value + ", " + reg(r, size), comment,
                concat(rex(size == 8, 0, r), new int[] {small ? 0x83 : 0x81, 0xc0 | ext << 3 | (r & 7)}, tail));
    }

    /** movl $value, r32 (B8+r id; zero-extends into the 64-bit register). */
    X86Code movImm(int value, int r, String comment) {
        return op("movl $" + value + ", " + reg(r, 4), comment, concat(rex(false, 0, r),
                new int[] {0xb8 + (r & 7), value & 0xff, value >>> 8 & 0xff, value >>> 16 & 0xff, value >>> 24 & 0xff}));
    }

    /** testb $value, r8 (F6 /0 ib). */
    X86Code testByte(int value, int r, String comment) {
        if (r == RAX) throw new IllegalArgumentException("accumulator form not used here");
        return op("testb $" + value + ", " + reg(r, 1), comment, concat(rex(false, 0, r), new int[] {0xf6, 0xc0 | (r & 7), value}));
    }

    /** inc (FF /0) or dec (FF /1). */
    X86Code incDec(String mnemonic, int ext, int size, int r, String comment) {
        return op(mnemonic + suffix(size) + " " + reg(r, size), comment, concat(rex(size == 8, 0, r), new int[] {0xff, 0xc0 | ext << 3 | (r & 7)}));
    }

    /** Byte swap (0F C8+r): big-endian words of SHA-256 to and from the little-endian machine. */
    X86Code bswap(int size, int r, String comment) {
        return op("bswap " + reg(r, size), comment, concat(rex(size == 8, 0, r), new int[] {0x0f, 0xc8 + (r & 7)}));
    }

    X86Code push(int r, String comment) {
        return op("pushq " + reg(r, 8), comment, concat(rex(false, 0, r), new int[] {0x50 + (r & 7)}));
    }

    X86Code pop(int r, String comment) {
        return op("popq " + reg(r, 8), comment, concat(rex(false, 0, r), new int[] {0x58 + (r & 7)}));
    }

    /** call rel32 (E8). */
    X86Code call(String label, String comment) {
        return ripRelative("call " + label, comment, label, 0xe8);
    }

    /** jmp (EB rel8, E9 rel32) or a conditional jump (70+cc rel8, 0F 80+cc rel32: cc 2 b, 4 z, 5 nz). */
    X86Code jump(String mnemonic, int cc, String label, String comment) {
        int index = jumps++;
        boolean uncond = cc < 0;
        if (longJumps.contains(index))
            return ripRelative(mnemonic + " " + label, comment, label, uncond ? new int[] {0xe9} : new int[] {0x0f, 0x80 + cc});
        shortJumps.add(new ShortJump(out.size() + 1, label, index));
        return op(mnemonic + " " + label, comment, uncond ? 0xeb : 0x70 + cc, 0);
    }

    X86Code jmp(String label, String comment) {
        return jump("jmp", -1, label, comment);
    }

    X86Code label(String name) {
        if (labels.putIfAbsent(name, out.size()) != null) throw new IllegalStateException("label " + name + " defined twice");
        lines.add(new Line(out.size(), new byte[0], name + ":", ""));
        return this;
    }

    /** Zero bytes up to a multiple of {@code n}. */
    X86Code align(int n) {
        int pad = (n - out.size() % n) % n;
        lines.add(new Line(out.size(), new byte[pad], ".balign " + n + ", 0", ""));
        out.writeBytes(new byte[pad]);
        return this;
    }

    X86Code quad(long value, String comment) {
        var b = new byte[8];
        for (int i = 0; i < 8; i++) b[i] = (byte) (value >>> (8 * i));
        lines.add(new Line(out.size(), b, String.format(".quad 0x%x", value), comment));
        out.writeBytes(b);
        return this;
    }

    X86Code long32(int value, String comment) {
        var b = new byte[4];
        for (int i = 0; i < 4; i++) b[i] = (byte) (value >>> (8 * i));
        lines.add(new Line(out.size(), b, String.format(".long 0x%08x", value), comment));
        out.writeBytes(b);
        return this;
    }

    X86Code byte8(int value, String comment) {
        lines.add(new Line(out.size(), new byte[] {(byte) value}, String.format(".byte 0x%02x", value & 0xff), comment));
        out.write(value);
        return this;
    }

    X86Code word(int value, String comment) {
        var b = new byte[] {(byte) value, (byte) (value >>> 8)};
        lines.add(new Line(out.size(), b, String.format(".word 0x%x", value), comment));
        out.writeBytes(b);
        return this;
    }

    X86Code zeros(int n, String comment) {
        lines.add(new Line(out.size(), new byte[n], ".fill " + n + ", 1, 0", comment));
        out.writeBytes(new byte[n]);
        return this;
    }

    int offsetOf(String label) {
        Integer o = labels.get(label);
        if (o == null) throw new IllegalStateException("no label " + label);
        return o;
    }

    /** The bytes with every displacement resolved. */
    byte[] bytes() {
        if (!shortJumpsOutOfReach().isEmpty()) throw new IllegalStateException("short jumps out of reach: emit through relax()");
        byte[] b = out.toByteArray();
        for (var j : shortJumps) b[j.position()] = (byte) (offsetOf(j.label()) - (j.position() + 1));
        fixups.forEach((pos, label) -> {
            int disp = offsetOf(label) - (pos + 4);
            for (int i = 0; i < 4; i++) b[pos + i] = (byte) (disp >>> (8 * i));
        });
        return b;
    }

    Map<String, Integer> labels() {
        return Map.copyOf(labels);
    }

    List<Line> lines() {
        return List.copyOf(lines);
    }
}
