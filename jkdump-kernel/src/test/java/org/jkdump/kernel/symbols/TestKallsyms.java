package org.jkdump.kernel.symbols;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.KernelMemory;

/**
 * Builds kallsyms tables the way scripts/kallsyms.c lays them out, in a 64 KiB kernel image at
 * 0xffffffff81000000, for decoder cases the fixture kernel does not have: names of 128 or more
 * tokens (two-byte counts), offsets without CONFIG_KALLSYMS_ABSOLUTE_PERCPU, and the plain
 * kallsyms_addresses table. Tokens: every printable ASCII character stands for itself; a few
 * byte values outside that range stand for multi-character tokens, as the compressor makes.
 */
final class TestKallsyms {
    static final long IMAGE = 0xffffffff81000000L;
    static final int SIZE = 1 << 16;
    // offsets of each table in the image
    static final int NUM_SYMS = 0, RELATIVE_BASE = 8, TOKEN_INDEX = 0x100, TOKEN_TABLE = 0x400, OFFSETS = 0x1000, NAMES = 0x4000;
    private static final String[] MULTI = {"kallsyms_", "sysrq_", "_stext", "percpu", "_handle_", "init_"};

    /** How the address table is written. */
    enum Encoding { ABSOLUTE_PERCPU, RELATIVE, ADDRESSES }

    private TestKallsyms() {
    }

    private static String token(int b) {
        if (b >= 0x21 && b < 0x7f) return String.valueOf((char) b);
        if (b >= 0x80 && b - 0x80 < MULTI.length) return MULTI[b - 0x80];
        return "~";  // unused values still expand to something, as in the kernel's table
    }

    /** The image bytes for {@code symbols} (sorted by address, as the kernel sorts them). */
    static byte[] image(List<Symbol> symbols, Encoding encoding) {
        var out = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(NUM_SYMS, symbols.size());
        long base = IMAGE;
        out.putLong(RELATIVE_BASE, base);
        int tablePos = TOKEN_TABLE;
        for (int b = 0; b < 256; b++) {
            out.putShort(TOKEN_INDEX + 2 * b, (short) (tablePos - TOKEN_TABLE));
            var t = token(b).getBytes(StandardCharsets.ISO_8859_1);
            out.put(tablePos, t);
            tablePos += t.length + 1;
        }
        if (tablePos >= OFFSETS) throw new IllegalStateException("token table too large");
        int pos = NAMES;
        for (int i = 0; i < symbols.size(); i++) {
            var s = symbols.get(i);
            var encoded = encode(s.type() + s.name());
            if (encoded.size() >= 0x80) {
                out.put(pos++, (byte) (encoded.size() & 0x7f | 0x80));
                out.put(pos++, (byte) (encoded.size() >> 7));
            } else {
                out.put(pos++, (byte) encoded.size());
            }
            for (int b : encoded) out.put(pos++, (byte) b);
            long a = s.address();
            switch (encoding) {
                case ABSOLUTE_PERCPU -> out.putInt(OFFSETS + 4 * i, a >= 0 ? (int) a : (int) (base - 1 - a));
                case RELATIVE -> out.putInt(OFFSETS + 4 * i, (int) (a - base));
                case ADDRESSES -> out.putLong(OFFSETS + 8 * i, a);
            }
        }
        if (pos > SIZE) throw new IllegalStateException("names too large");
        return out.array();
    }

    private static List<Integer> encode(String text) {
        var out = new ArrayList<Integer>();
        for (int i = 0; i < text.length(); ) {
            int multi = -1;
            for (int m = 0; m < MULTI.length; m++) if (text.startsWith(MULTI[m], i)) multi = m;
            if (multi >= 0 && i > 0) {  // the type letter is always a token of its own here
                out.add(0x80 + multi);
                i += MULTI[multi].length();
            } else {
                out.add((int) text.charAt(i++));
            }
        }
        return out;
    }

    /** VMCOREINFO locating the tables, with _stext at the image's start as the anchor. */
    static VmcoreInfo vmcoreinfo(Encoding encoding) {
        var text = new StringBuilder("OSRELEASE=6.1.0-test\n");
        text.append("SYMBOL(_stext)=%x\n".formatted(IMAGE + 0x100000));
        text.append("SYMBOL(kallsyms_num_syms)=%x\n".formatted(IMAGE + NUM_SYMS));
        text.append("SYMBOL(kallsyms_token_index)=%x\n".formatted(IMAGE + TOKEN_INDEX));
        text.append("SYMBOL(kallsyms_token_table)=%x\n".formatted(IMAGE + TOKEN_TABLE));
        text.append("SYMBOL(kallsyms_names)=%x\n".formatted(IMAGE + NAMES));
        if (encoding == Encoding.ADDRESSES) {
            text.append("SYMBOL(kallsyms_addresses)=%x\n".formatted(IMAGE + OFFSETS));
        } else {
            text.append("SYMBOL(kallsyms_offsets)=%x\n".formatted(IMAGE + OFFSETS));
            text.append("SYMBOL(kallsyms_relative_base)=%x\n".formatted(IMAGE + RELATIVE_BASE));
        }
        return VmcoreInfo.parse(text.toString());
    }

    /** Kernel memory holding just {@code image} at {@link #IMAGE}. */
    static KernelMemory memory(byte[] image) {
        return (vaddr, dst, off, len) -> {
            long at = vaddr - IMAGE;
            if (at < 0 || len < 0 || at + len > image.length)
                throw new JkdumpException("test image: virtual address 0x%x (%d bytes) is outside the %d-byte image".formatted(vaddr, len, image.length));
            System.arraycopy(image, (int) at, dst, off, len);
        };
    }
}
