package org.jkdump.crash;

import java.util.Optional;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.KernelMemory;
import org.jkdump.kernel.Types;
import org.jkdump.kernel.btf.BtfType;
import org.jkdump.kernel.symbols.SymbolTable;

/**
 * Values printed the way crash's embedded gdb prints them ({@code p}, {@code struct ADDR},
 * {@code task}): structs as {@code {\n  name = value,\n ...}} indented two spaces a level,
 * anonymous members without a name, arrays as {@code {a, b}} (arrays of structs as
 * {@code {{...}, {...}}}), char arrays as strings with octal escapes and the final NUL
 * dropped, pointers in hex followed by {@code <symbol+off>} when they point into the kernel
 * image or a module, and by the string for {@code char *}, chars as {@code 65 'A'}, bools as
 * {@code true}/{@code false}, enums by enumerator name. crash turns gdb's repeat compression
 * off and prints up to 512 elements of an array or string, then {@code ...}.
 *
 * <p>The value is formatted from one byte copy of the object; only {@code char *} strings
 * read more memory.
 */
public final class GdbValues {
    /** crash's element limit for arrays and strings. */
    static final int MAX_ELEMENTS = 512;

    private final Types types;
    private final KernelMemory memory;
    private final SymbolTable symbols;
    private final boolean hex;
    // the address of the object being formatted, for flexible array members (gdb prints their address); -1 unknown
    private long base = -1;

    /** @param hex {@code p/x}: integers in hexadecimal */
    public GdbValues(Types types, KernelMemory memory, SymbolTable symbols, boolean hex) {
        this.types = types;
        this.memory = memory;
        this.symbols = symbols;
        this.hex = hex;
    }

    /** The value of type {@code type} held in {@code bytes}, its nested lines indented from {@code indent}. */
    public String format(BtfType type, byte[] bytes, int indent) {
        return format(type, bytes, 0, 0, indent);
    }

    /** As {@link #format(BtfType, byte[], int)} for the object at {@code address}. */
    public String format(BtfType type, byte[] bytes, long address, int indent) {
        long saved = base;
        base = address;
        try {
            return format(type, bytes, 0, 0, indent);
        } finally {
            base = saved;
        }
    }

    /**
     * A top-level pointer as gdb's {@code p} shows it, with its type first:
     * {@code (struct mm_struct *) 0xffff...}.
     */
    public String formatTop(BtfType type, byte[] bytes) {
        var v = format(type, bytes, 0);
        if (types.resolve(type) instanceof BtfType.Ptr) return "(" + types.name(type) + ") " + v;
        return v;
    }

    private String format(BtfType type, byte[] b, long bitOff, int bitSize, int indent) {
        var r = types.resolve(type);
        return switch (r) {
            case BtfType.Composite c -> composite(c, b, bitOff, indent);
            case BtfType.Array a -> array(a, b, bitOff, indent);
            case BtfType.Int i -> integer(i, bits(b, bitOff, bitSize != 0 ? bitSize : i.size() * 8, i.signed()), bitSize);
            case BtfType.Enum e -> {
                long v = bits(b, bitOff, bitSize != 0 ? bitSize : e.size() * 8, e.signed());
                yield hex ? "0x" + Long.toHexString(v) : types.enumeratorName(e, v).orElse(e.signed() ? Long.toString(v) : Long.toUnsignedString(v));
            }
            case BtfType.Ptr p -> pointer(p, bits(b, bitOff, 64, false));
            case BtfType.Float f -> f.size() == 8 ? Double.toString(Double.longBitsToDouble(bits(b, bitOff, 64, false)))
                    : f.size() == 4 ? Float.toString(Float.intBitsToFloat((int) bits(b, bitOff, 32, false))) : "<float" + f.size() * 8 + ">";
            default -> "<" + types.name(r) + ">";
        };
    }

    private String composite(BtfType.Composite c, byte[] b, long bitOff, int indent) {
        if (c.members().isEmpty()) return "{<No data fields>}";
        var pad = " ".repeat(indent + 2);
        var sb = new StringBuilder("{\n");
        var members = c.members();
        for (int i = 0; i < members.size(); i++) {
            var m = members.get(i);
            sb.append(pad);
            if (!m.name().isEmpty()) sb.append(m.name()).append(" = ");
            sb.append(format(types.type(m.type()), b, bitOff + m.bitOffset(), m.bitfieldSize(), indent + 2));
            if (i < members.size() - 1) sb.append(',');
            sb.append('\n');
        }
        return sb.append(" ".repeat(indent)).append('}').toString();
    }

    private String array(BtfType.Array a, byte[] b, long bitOff, int indent) {
        var elem = types.type(a.element());
        long count = a.count();
        if (count == 0) {
            // a flexible array member: gdb shows where it starts (and the string there for chars)
            if (base == -1) return "0x0";
            long at = base + (bitOff >>> 3);
            return "0x" + Long.toHexString(at) + (isCharType(elem) ? " " + string(at) : "");
        }
        if (isCharType(elem)) return charArray(b, (int) (bitOff >>> 3), count);
        long elemBits = types.sizeof(elem) * 8;
        var sb = new StringBuilder("{");
        long shown = Math.min(count, MAX_ELEMENTS);
        for (long i = 0; i < shown; i++) {
            if (i > 0) sb.append(", ");
            sb.append(format(elem, b, bitOff + i * elemBits, 0, indent + 2));
        }
        if (count > shown) sb.append("...");
        return sb.append('}').toString();
    }

    private String charArray(byte[] b, int start, long count) {
        int n = (int) Math.min(count, b.length - start);
        // gdb leaves out the array's last byte when it is the terminating NUL
        if (n > 0 && n <= MAX_ELEMENTS && b[start + n - 1] == 0) n--;
        boolean cut = n > MAX_ELEMENTS;
        var sb = new StringBuilder("\"");
        for (int i = 0; i < Math.min(n, MAX_ELEMENTS); i++) escape(sb, b[start + i] & 0xff);
        sb.append('"');
        if (cut) sb.append("...");
        return sb.toString();
    }

    private String integer(BtfType.Int i, long v, int bitSize) {
        if (i.isBool() || i.name().equals("_Bool") || i.name().equals("bool")) return v == 0 ? "false" : v == 1 ? "true" : Long.toString(v);
        if (hex) return "0x" + Long.toHexString(bitSize == 0 && i.size() < 8 ? v & ((1L << (i.size() * 8)) - 1) : v);
        var num = i.signed() ? Long.toString(v) : Long.toUnsignedString(v);
        if (bitSize == 0 && i.size() == 1 && isCharName(i.name())) {
            var sb = new StringBuilder(num).append(" '");
            escape(sb, (int) (v & 0xff));
            return sb.append('\'').toString();
        }
        return num;
    }

    private String pointer(BtfType.Ptr p, long v) {
        if (v == 0) return "0x0";
        var sb = new StringBuilder("0x").append(Long.toHexString(v));
        var target = types.type(p.target());
        if (isCharType(target)) {
            sb.append(' ').append(string(v));
        } else if (v < 0) {
            symbols.symbolAt(v).ifPresent(s -> {
                sb.append(" <").append(s.symbol().name());
                if (s.offset() != 0) sb.append('+').append(s.offset());
                sb.append('>');
            });
        }
        return sb.toString();
    }

    /** The NUL-terminated string at {@code address}, gdb-quoted; an unreadable one as gdb's error. */
    private String string(long address) {
        var sb = new StringBuilder("\"");
        try {
            for (int i = 0; i < MAX_ELEMENTS; i++) {
                int c = memory.read(address + i, 1)[0] & 0xff;
                if (c == 0) return sb.append('"').toString();
                escape(sb, c);
            }
            return sb.append("\"...").toString();
        } catch (JkdumpException e) {
            if (sb.length() > 1) return sb.append("\"...").toString();
            return String.format("<error: Cannot access memory at address 0x%x>", address);
        }
    }

    private static void escape(StringBuilder sb, int c) {
        switch (c) {
            case '"' -> sb.append("\\\"");
            case '\\' -> sb.append("\\\\");
            case '\n' -> sb.append("\\n");
            case '\t' -> sb.append("\\t");
            case '\r' -> sb.append("\\r");
            case 7 -> sb.append("\\a");
            case '\b' -> sb.append("\\b");
            case '\f' -> sb.append("\\f");
            case 11 -> sb.append("\\v");
            case 27 -> sb.append("\\033");
            default -> {
                if (c >= 0x20 && c < 0x7f) sb.append((char) c);
                else sb.append('\\').append(String.format("%03o", c));
            }
        }
    }

    private boolean isCharType(BtfType t) {
        return types.resolve(t) instanceof BtfType.Int i && i.size() == 1 && isCharName(i.name());
    }

    private static boolean isCharName(String name) {
        return name.equals("char") || name.equals("signed char") || name.equals("unsigned char");
    }

    /** {@code width} bits at bit {@code bitOff} of {@code b}, little-endian, sign-extended when asked. */
    static long bits(byte[] b, long bitOff, int width, boolean signed) {
        long v = 0;
        int firstByte = (int) (bitOff >>> 3), shift = (int) (bitOff & 7);
        int nBytes = (shift + width + 7) / 8;
        if (firstByte + nBytes > b.length)
            throw new CommandException("value of " + width + " bits at bit " + bitOff + " lies outside its " + b.length + "-byte object");
        if (shift == 0 && width % 8 == 0) {
            for (int i = 0; i < width / 8; i++) v |= (b[firstByte + i] & 0xffL) << (8 * i);
        } else {
            // a bitfield: gather up to 9 bytes, then shift
            java.math.BigInteger big = java.math.BigInteger.ZERO;
            for (int i = nBytes - 1; i >= 0; i--) big = big.shiftLeft(8).or(java.math.BigInteger.valueOf(b[firstByte + i] & 0xff));
            v = big.shiftRight(shift).longValue();
            if (width < 64) v &= (1L << width) - 1;
        }
        if (signed && width < 64) v = v << (64 - width) >> (64 - width);
        return v;
    }

    /** The symbol name with offset for a kernel pointer, as gdb's {@code <sym+off>}; empty outside symbols. */
    public Optional<String> symbolOf(long v) {
        if (v >= 0) return Optional.empty();
        return symbols.symbolAt(v).map(s -> s.offset() == 0 ? s.symbol().name() : s.symbol().name() + "+" + s.offset());
    }
}
