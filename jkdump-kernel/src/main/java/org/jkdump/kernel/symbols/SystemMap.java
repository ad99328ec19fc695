package org.jkdump.kernel.symbols;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jkdump.format.JkdumpException;

/**
 * A System.map: {@code nm -n vmlinux} filtered by the kernel's {@code scripts/mksysmap}, one
 * {@code ADDRESS TYPE NAME} line per symbol, addresses as linked (before KASLR). Every line
 * is checked; a bad one fails with its line number. Debian's linux-image packages ship a
 * one-line placeholder ("The real System.map is in the linux-image-&lt;version&gt;-dbg
 * package"), which is recognised and refused by name.
 */
public final class SystemMap implements SymbolFile {
    /** Debian's placeholder System.map says this instead of listing symbols. */
    static final String DEBIAN_STUB = "The real System.map is in the";
    /** A distribution kernel's map is 5 MB; anything past this is not a System.map. */
    private static final long MAX_SIZE = 256L << 20;
    private static final int MAX_NAME = 1024;

    private final Path path;
    private final List<Symbol> symbols;
    private final int[] lines;

    private SystemMap(Path path, List<Symbol> symbols, int[] lines) {
        this.path = path;
        this.symbols = symbols;
        this.lines = lines;
    }

    /** Reads and checks every line of {@code path}. */
    public static SystemMap read(Path path) {
        var name = path.toString();
        byte[] bytes;
        try {
            long size = Files.size(path);
            if (size > MAX_SIZE)
                throw new SymbolFileException(name, "%d bytes is too large for a System.map (at most %d)".formatted(size, MAX_SIZE));
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new JkdumpException(name + ": cannot read: " + e.getMessage(), e);
        }
        return parse(path, bytes);
    }

    /** Parses System.map text already in memory; {@code path} names it in messages. */
    static SystemMap parse(Path path, byte[] bytes) {
        var name = path.toString();
        var symbols = new ArrayList<Symbol>();
        var lines = new int[Math.max(16, bytes.length / 24)];
        int line = 0;
        for (int pos = 0; pos < bytes.length; ) {
            int end = pos;
            while (end < bytes.length && bytes[end] != '\n') end++;
            line++;
            int stop = end > pos && bytes[end - 1] == '\r' ? end - 1 : end;
            if (!isBlank(bytes, pos, stop)) {
                var text = new String(bytes, pos, stop - pos, StandardCharsets.ISO_8859_1);
                if (text.contains(DEBIAN_STUB))
                    throw new SymbolFileException(name, line, "this is Debian's placeholder, not a symbol map (\"%s\"); give the vmlinux or System.map of the -dbg package"
                            .formatted(text.substring(text.indexOf(DEBIAN_STUB)).strip()));
                if (symbols.size() == lines.length) lines = Arrays.copyOf(lines, lines.length * 2);
                lines[symbols.size()] = line;
                symbols.add(parseLine(name, line, text));
            }
            pos = end + 1;
        }
        if (symbols.isEmpty()) throw new SymbolFileException(name, "holds no symbols (an empty System.map)");
        return new SystemMap(path, List.copyOf(symbols), Arrays.copyOf(lines, symbols.size()));
    }

    private static boolean isBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) if (b[i] != ' ' && b[i] != '\t') return false;
        return true;
    }

    private static Symbol parseLine(String file, int line, String text) {
        var fields = fields(text);
        if (fields.size() != 3)
            throw new SymbolFileException(file, line, "expected \"ADDRESS TYPE NAME\" (like \"ffffffff81000000 T _stext\"), found \"%s\""
                    .formatted(printable(text)));
        var addr = fields.get(0);
        if (addr.isEmpty() || addr.length() > 16 || !isHex(addr))
            throw new SymbolFileException(file, line, "address \"%s\" is not a hexadecimal number of at most 16 digits".formatted(printable(addr)));
        var type = fields.get(1);
        if (type.length() != 1 || !Character.isLetter(type.charAt(0)) || type.charAt(0) > 'z')
            throw new SymbolFileException(file, line, "type \"%s\" is not one of nm's type letters (T, t, D, d, B, b, R, r, A, W, V, ...)".formatted(printable(type)));
        var symbol = fields.get(2);
        if (symbol.length() > MAX_NAME || !isPrintable(symbol))
            throw new SymbolFileException(file, line, "name \"%s\" is not a symbol name (printable ASCII, at most %d characters)"
                    .formatted(printable(symbol.substring(0, Math.min(60, symbol.length()))), MAX_NAME));
        return Symbol.of(symbol, Long.parseUnsignedLong(addr, 16), type.charAt(0));
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) return false;
        }
        return true;
    }

    private static boolean isPrintable(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) <= 0x20 || s.charAt(i) >= 0x7f) return false;
        return true;
    }

    /** The blank- or tab-separated fields of a line; stops counting at four (one too many). */
    private static List<String> fields(String text) {
        var out = new ArrayList<String>(3);
        int i = 0, n = text.length();
        while (out.size() < 4) {
            while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) i++;
            if (i == n) break;
            int start = i;
            while (i < n && text.charAt(i) != ' ' && text.charAt(i) != '\t') i++;
            out.add(text.substring(start, i));
        }
        return out;
    }

    private static String printable(String s) {
        var t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public List<Symbol> symbols() {
        return symbols;
    }

    @Override
    public String where(int index) {
        return "line " + lines[index];
    }

    /** The 1-based line symbol {@code index} is on. */
    public int line(int index) {
        return lines[index];
    }

    @Override
    public Optional<String> buildId() {
        return Optional.empty();
    }

    @Override
    public String kind() {
        return "System.map";
    }

    @Override
    public String toString() {
        return "System.map " + path + " (" + symbols.size() + " symbols)";
    }
}
