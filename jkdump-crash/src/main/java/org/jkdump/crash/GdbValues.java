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
 * {@code true}/{@code false}, enums by enumerator name. crash sets gdb's repeat threshold
 * out of reach (no {@code <repeats N times>}) and its element limit ({@code print elements})
 * to 256: an array shows its first 256 elements, then {@code ...}; a string counts whole runs
 * of one repeated character, so it stops after the run that reaches 256 characters.
 *
 * <p>The value is formatted from one byte copy of the object; only {@code char *} strings
 * read more memory.
 */
public final class GdbValues {
    /** crash's element limit for arrays and strings: gdb's print_max, which crash's gdb_interface.c sets to 256. */
    static final int MAX_ELEMENTS = 256;

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
            return address(at) + (isCharType(elem) ? " " + string(at) : "");
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

    /**
     * A char array as gdb's generic_printstr prints it: the array's last byte dropped when it
     * is NUL (whatever the limit), then runs of one repeated byte taken whole until they add
     * up to the element limit; {@code ...} when bytes are left.
     */
    private String charArray(byte[] b, int start, long count) {
        int n = (int) Math.min(count, b.length - start);
        if (n > 0 && b[start + n - 1] == 0) n--;
        int end = runsUpToLimit(b, start, start + n);
        var sb = new StringBuilder("\"");
        boolean afterOctal = false;
        for (int i = start; i < end; i++) afterOctal = escape(sb, b[i] & 0xff, afterOctal);
        sb.append('"');
        if (end < start + n) sb.append("...");
        return sb.toString();
    }

    /** Where gdb stops printing bytes [from, to): after the run of equal bytes that reaches the element limit. */
    private static int runsUpToLimit(byte[] b, int from, int to) {
        int at = from;
        while (at < to && at - from < MAX_ELEMENTS) {
            byte c = b[at];
            while (at < to && b[at] == c) at++;
        }
        return at;
    }

    private String integer(BtfType.Int i, long v, int bitSize) {
        if (i.isBool() || i.name().equals("_Bool") || i.name().equals("bool")) return v == 0 ? "false" : v == 1 ? "true" : Long.toString(v);
        if (hex) return "0x" + Long.toHexString(bitSize == 0 && i.size() < 8 ? v & ((1L << (i.size() * 8)) - 1) : v);
        var num = i.signed() ? Long.toString(v) : Long.toUnsignedString(v);
        if (bitSize == 0 && i.size() == 1 && isCharName(i.name())) {
            var sb = new StringBuilder(num).append(" '");
            int c = (int) (v & 0xff);
            if (c == '\'') sb.append("\\'"); // the quote character of a char literal, as gdb escapes it
            else escape(sb, c, false);
            return sb.append('\'').toString();
        }
        return num;
    }

    private String pointer(BtfType.Ptr p, long v) {
        if (v == 0) return "0x0";
        // gdb names the symbol a pointer points into, a char pointer's too, before its string
        var text = address(v);
        return isCharType(types.type(p.target())) ? text + " " + string(v) : text;
    }

    /**
     * An address as gdb prints a pointer: hex, then {@code <symbol+offset>} when it points into
     * a kernel symbol. Not after a linker-script label ({@link LinkerLabels}): gdb takes no
     * size-less symbol for a data address.
     */
    private String address(long v) {
        var sb = new StringBuilder("0x").append(Long.toHexString(v));
        if (v < 0) {
            symbols.symbolAt(v).filter(GdbValues::namesData).ifPresent(s -> {
                sb.append(" <").append(s.symbol().name());
                if (s.offset() != 0) sb.append('+').append(s.offset());
                sb.append('>');
            });
        }
        return sb.toString();
    }

    /**
     * The NUL-terminated string at {@code address}, gdb-quoted; an unreadable one as gdb's
     * error. gdb (val_print_string) reads up to the element limit and adds {@code ...} only
     * when the byte after those is not the NUL.
     */
    private String string(long address) {
        var read = new java.io.ByteArrayOutputStream();
        boolean more = false;
        try {
            for (int i = 0; i <= MAX_ELEMENTS; i++) {
                int c = memory.read(address + i, 1)[0] & 0xff;
                if (c == 0) break;
                if (i == MAX_ELEMENTS) {
                    more = true;
                    break;
                }
                read.write(c);
            }
        } catch (JkdumpException e) {
            if (read.size() == 0) return String.format("<error: Cannot access memory at address 0x%x>", address);
            more = true;
        }
        var sb = new StringBuilder("\"");
        boolean afterOctal = false;
        for (byte c : read.toByteArray()) afterOctal = escape(sb, c & 0xff, afterOctal);
        sb.append('"');
        if (more) sb.append("...");
        return sb.toString();
    }

    /**
     * Whether gdb would name this address by the symbol: always for code; for data only by a
     * symbol with a size that covers it (a vmlinux symbol table's size; without one, any
     * symbol but a linker-script label).
     */
    private static boolean namesData(org.jkdump.kernel.symbols.SymbolOffset s) {
        var sym = s.symbol();
        if (sym.isText()) return true;
        if (sym.size().isPresent()) return Long.compareUnsigned(s.offset(), sym.size().getAsLong()) < 0;
        return !LinkerLabels.isLabel(sym.name());
    }

    /**
     * Appends one character as gdb's print_wchar does and says whether it was an octal
     * escape: a digit right after an octal escape is escaped too, or it would read as part
     * of the escape ({@code "\0004"} is not {@code "\000" "4"}).
     */
    private static boolean escape(StringBuilder sb, int c, boolean afterOctal) {
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
            default -> {
                if (c >= 0x20 && c < 0x7f && !(afterOctal && c >= '0' && c <= '9')) {
                    sb.append((char) c);
                } else {
                    sb.append('\\').append(String.format("%03o", c));
                    return true;
                }
            }
        }
        return false;
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
