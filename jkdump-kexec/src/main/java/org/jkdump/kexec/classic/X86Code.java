package org.jkdump.kexec.classic;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny x86-64 code buffer: instructions are appended as their encoded bytes together with
 * the same instruction in GNU as (AT&amp;T) syntax and a comment, so the result can be read as
 * a listing and checked against the GNU assembler. RIP-relative operands name a label; their
 * 32-bit displacement is filled in when the code is finished (it is the last field of every
 * instruction used here, so it is relative to the end of that field).
 */
final class X86Code {
    /** One line of the listing: where it starts, its bytes, its assembler text and why it is there. */
    record Line(int offset, byte[] bytes, String asm, String comment) {
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<Line> lines = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();
    private final Map<Integer, String> fixups = new HashMap<>();

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
        byte[] b = out.toByteArray();
        fixups.forEach((pos, label) -> {
            int disp = offsetOf(label) - (pos + 4);
            for (int i = 0; i < 4; i++) b[pos + i] = (byte) (disp >>> (8 * i));
        });
        return b;
    }

    List<Line> lines() {
        return List.copyOf(lines);
    }
}
