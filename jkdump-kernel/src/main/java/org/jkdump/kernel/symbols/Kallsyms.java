package org.jkdump.kernel.symbols;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.IntToLongFunction;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.KernelMemory;

/**
 * The kernel's own symbol table, decoded from the dump's memory: the tables
 * {@code scripts/kallsyms.c} compiles into the image and {@code kernel/kallsyms.c} reads,
 * located through the {@code SYMBOL(kallsyms_*)} entries Linux 6.0 added to VMCOREINFO.
 *
 * <ul>
 * <li>{@code kallsyms_num_syms}: the symbol count ({@code .long}).</li>
 * <li>{@code kallsyms_names}: per symbol, its token count and that many token bytes. The
 *     count is one byte; since Linux 6.1 ("kallsyms: support big kernel symbols") a count of
 *     0x80 or more takes two bytes, the low 7 bits first, then the rest (nothing records
 *     which scheme a kernel uses; the two-byte reading is always taken, since 6.0, the only
 *     kernel with kallsyms in VMCOREINFO and one-byte counts, had KSYM_NAME_LEN 128 and
 *     practically never a count that high). The first character
 *     the tokens expand to is the nm type letter, the rest is the name.</li>
 * <li>{@code kallsyms_token_table}: NUL-terminated strings; {@code kallsyms_token_index}:
 *     256 {@code u16} offsets into it, one per token byte value.</li>
 * <li>Addresses: with CONFIG_KALLSYMS_BASE_RELATIVE (every 6.x x86-64 kernel)
 *     {@code kallsyms_offsets} holds one 32-bit value per symbol and
 *     {@code kallsyms_relative_base} a base address. With CONFIG_KALLSYMS_ABSOLUTE_PERCPU
 *     (x86-64 SMP before 6.15) a value >= 0 is itself the address (the zero-based per-cpu
 *     offsets) and a negative one means {@code base - 1 - value}; otherwise every value is
 *     an unsigned offset from the base. Kernels without base-relative tables publish
 *     {@code kallsyms_addresses}, one {@code unsigned long} per symbol.</li>
 * </ul>
 *
 * Which of the two offset encodings a kernel uses is not recorded anywhere; the reader
 * decodes both and keeps the one under which the symbols VMCOREINFO names (the kallsyms
 * tables themselves, {@code _stext}, {@code init_uts_ns}, ...) land where VMCOREINFO says.
 */
public final class Kallsyms {
    private static final String NAMES = "kallsyms_names", NUM_SYMS = "kallsyms_num_syms",
            TOKEN_TABLE = "kallsyms_token_table", TOKEN_INDEX = "kallsyms_token_index",
            OFFSETS = "kallsyms_offsets", RELATIVE_BASE = "kallsyms_relative_base",
            ADDRESSES = "kallsyms_addresses";
    private static final int TOKENS = 256;
    /** More than any kernel has (an allyesconfig x86-64 kernel has about 500,000); more means corrupt. */
    static final long MAX_SYMBOLS = 4_000_000;
    /** KSYM_NAME_LEN (include/linux/kallsyms.h) since 6.1, the longest name plus its type letter. */
    static final int MAX_NAME = 512;
    /** The longest token scripts/kallsyms.c can build: pairs merged up to 256 times, far below this. */
    private static final int MAX_TOKEN = 512;

    private Kallsyms() {
    }

    /** Whether VMCOREINFO locates the kallsyms tables (Linux 6.0 and later with CONFIG_KALLSYMS). */
    public static boolean presentIn(VmcoreInfo info) {
        return info.symbol(NAMES).isPresent() && info.symbol(NUM_SYMS).isPresent()
                && info.symbol(TOKEN_TABLE).isPresent() && info.symbol(TOKEN_INDEX).isPresent()
                && (info.symbol(OFFSETS).isPresent() && info.symbol(RELATIVE_BASE).isPresent()
                    || info.symbol(ADDRESSES).isPresent());
    }

    /**
     * Decodes the kernel image's symbol table from {@code memory}, which needs to translate
     * only the kernel image mapping.
     *
     * @throws JkdumpException when VMCOREINFO lacks the tables, a table cannot be read, or the
     *                         tables do not decode to symbols VMCOREINFO agrees with
     */
    public static SymbolTable read(KernelMemory memory, VmcoreInfo info) {
        if (!presentIn(info))
            throw new JkdumpException("kallsyms: VMCOREINFO has no SYMBOL(kallsyms_names), kallsyms_num_syms, "
                    + "kallsyms_token_table, kallsyms_token_index and kallsyms_offsets/relative_base (or kallsyms_addresses) "
                    + "entries; they appear in Linux 6.0 and later");
        long numSymsAt = info.symbol(NUM_SYMS).getAsLong();
        long count = memory.u32(numSymsAt);
        if (count == 0 || count > MAX_SYMBOLS)
            throw new JkdumpException("kallsyms: kallsyms_num_syms at 0x%016x is %d, not a symbol count (1 to %d)"
                    .formatted(numSymsAt, count, MAX_SYMBOLS));
        int n = (int) count;
        var tokens = tokens(memory, info.symbol(TOKEN_TABLE).getAsLong(), info.symbol(TOKEN_INDEX).getAsLong());
        var names = new Names(n);
        decodeNames(new PageReader(memory), info.symbol(NAMES).getAsLong(), tokens, names);
        long[] addresses = addresses(memory, info, names);
        var symbols = new ArrayList<Symbol>(n);
        for (int i = 0; i < n; i++) symbols.add(Symbol.of(names.name[i], addresses[i], names.type[i]));
        return SymbolTable.of("kallsyms in the dump", symbols);
    }

    /** Decoded names and type letters, index for index with the address table. */
    private static final class Names {
        final String[] name;
        final char[] type;

        Names(int n) {
            name = new String[n];
            type = new char[n];
        }
    }

    /** The 256 tokens, as byte strings, from kallsyms_token_index and kallsyms_token_table. */
    private static byte[][] tokens(KernelMemory memory, long tableAt, long indexAt) {
        var index = ByteBuffer.wrap(memory.read(indexAt, 2 * TOKENS)).order(ByteOrder.LITTLE_ENDIAN);
        var reader = new PageReader(memory);
        var tokens = new byte[TOKENS][];
        var buf = new byte[MAX_TOKEN];
        for (int t = 0; t < TOKENS; t++) {
            long at = tableAt + (index.getShort(2 * t) & 0xffff);
            int len = 0;
            for (int c; (c = reader.u8(at + len)) != 0; len++) {
                if (len == MAX_TOKEN)
                    throw new JkdumpException("kallsyms: token %d at 0x%016x (kallsyms_token_table 0x%016x) has no NUL in %d bytes: the table is corrupt"
                            .formatted(t, at, tableAt, MAX_TOKEN));
                buf[len] = (byte) c;
            }
            tokens[t] = Arrays.copyOf(buf, len);
        }
        return tokens;
    }

    private static void decodeNames(PageReader in, long namesAt, byte[][] tokens, Names out) {
        var buf = new byte[MAX_NAME * 2];
        long at = namesAt;
        for (int i = 0; i < out.name.length; i++) {
            long start = at;
            int count = in.u8(at++);
            if ((count & 0x80) != 0) count = (count & 0x7f) | in.u8(at++) << 7;
            if (count == 0 || count > MAX_NAME)
                throw corrupt(i, start, "token count %d is not 1 to %d".formatted(count, MAX_NAME));
            int len = 0;
            for (int k = 0; k < count; k++) {
                var token = tokens[in.u8(at++)];
                if (len + token.length > buf.length)
                    throw corrupt(i, start, "it expands to more than %d bytes".formatted(buf.length));
                System.arraycopy(token, 0, buf, len, token.length);
                len += token.length;
            }
            char type = (char) (buf[0] & 0xff);
            if (len < 2 || !isTypeLetter(type))
                throw corrupt(i, start, "it expands to \"%s\", not a type letter and a name"
                        .formatted(new String(buf, 0, Math.min(len, 40), StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7e]", "?")));
            out.type[i] = type;
            out.name[i] = new String(buf, 1, len - 1, StandardCharsets.ISO_8859_1);
        }
    }

    private static boolean isTypeLetter(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '?';
    }

    private static JkdumpException corrupt(int index, long at, String what) {
        return new JkdumpException("kallsyms: symbol %d at 0x%016x in kallsyms_names: %s; the table is corrupt or uses an encoding this reader does not know"
                .formatted(index, at, what));
    }

    /** One way of turning the raw address table into addresses. */
    private record Encoding(String name, IntToLongFunction address) {
    }

    private static long[] addresses(KernelMemory memory, VmcoreInfo info, Names names) {
        int n = names.name.length;
        var anchors = anchors(info, names);
        if (info.symbol(OFFSETS).isEmpty()) {
            var raw = ByteBuffer.wrap(memory.read(info.symbol(ADDRESSES).getAsLong(), Math.multiplyExact(n, 8))).order(ByteOrder.LITTLE_ENDIAN);
            return choose(List.of(new Encoding("kallsyms_addresses", i -> raw.getLong(8 * i))), n, anchors);
        }
        long base = memory.u64(info.symbol(RELATIVE_BASE).getAsLong());
        var raw = ByteBuffer.wrap(memory.read(info.symbol(OFFSETS).getAsLong(), Math.multiplyExact(n, 4))).order(ByteOrder.LITTLE_ENDIAN);
        return choose(List.of(
                new Encoding("CONFIG_KALLSYMS_ABSOLUTE_PERCPU offsets", i -> {
                    int v = raw.getInt(4 * i);
                    return v >= 0 ? v : base - 1 - v;
                }),
                new Encoding("unsigned offsets from kallsyms_relative_base", i -> base + Integer.toUnsignedLong(raw.getInt(4 * i)))),
                n, anchors);
    }

    /** For each VMCOREINFO symbol in the kernel image that kallsyms also names: its VMCOREINFO address and kallsyms indexes. */
    private record Anchor(String name, long address, int[] indexes) {
    }

    private static List<Anchor> anchors(VmcoreInfo info, Names names) {
        var expected = KernelSymbols.imageSymbols(info);
        var found = new LinkedHashMap<String, List<Integer>>();
        for (int i = 0; i < names.name.length; i++)
            if (expected.containsKey(names.name[i])) found.computeIfAbsent(names.name[i], k -> new ArrayList<>()).add(i);
        var anchors = new ArrayList<Anchor>();
        for (var e : found.entrySet())
            anchors.add(new Anchor(e.getKey(), expected.get(e.getKey()), e.getValue().stream().mapToInt(Integer::intValue).toArray()));
        return anchors;
    }

    private static long[] choose(List<Encoding> encodings, int n, List<Anchor> anchors) {
        if (anchors.isEmpty())
            throw new JkdumpException("kallsyms: none of the symbols VMCOREINFO names (_stext, init_uts_ns, kallsyms_names, ...) "
                    + "appears in the decoded table, so its addresses cannot be checked");
        var tried = new ArrayList<String>();
        for (var enc : encodings) {
            var mismatch = anchors.stream().filter(a -> !agrees(enc, a)).findFirst();
            if (mismatch.isEmpty()) {
                var out = new long[n];
                for (int i = 0; i < n; i++) out[i] = enc.address().applyAsLong(i);
                return out;
            }
            var a = mismatch.get();
            tried.add("%s put %s at 0x%016x".formatted(enc.name(), a.name(), enc.address().applyAsLong(a.indexes()[0])));
        }
        var a = anchors.getFirst();
        throw new JkdumpException("kallsyms: the address table does not agree with VMCOREINFO (%s is at 0x%016x): %s"
                .formatted(a.name(), a.address(), String.join("; ", tried)));
    }

    private static boolean agrees(Encoding enc, Anchor a) {
        for (int i : a.indexes()) if (enc.address().applyAsLong(i) == a.address()) return true;
        return false;
    }
}
