package org.jkdump.crash;

import java.util.List;
import org.jkdump.kernel.symbols.Symbol;
import org.jkdump.kernel.symbols.SymbolTable;

/**
 * Address arguments as crash's commands take them: a hexadecimal number with or without
 * {@code 0x} (crash reads bare numbers as hex where an address is expected), a symbol name,
 * or {@code symbol+offset} / {@code symbol-offset} with a hex or decimal offset.
 */
public final class Addresses {
    private Addresses() {
    }

    /** Whether {@code word} reads as a hexadecimal number. */
    public static boolean isHex(String word) {
        var w = word.startsWith("0x") || word.startsWith("0X") ? word.substring(2) : word;
        return !w.isEmpty() && w.length() <= 16 && w.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    /** {@code word} as a hexadecimal number. */
    public static long hex(String command, String word) {
        if (!isHex(word)) throw new CommandException("invalid address: " + word);
        var w = word.startsWith("0x") || word.startsWith("0X") ? word.substring(2) : word;
        return Long.parseUnsignedLong(w, 16);
    }

    /**
     * The address {@code word} names: a hex number, a symbol, or a symbol plus or minus an offset.
     * A name that is also valid hex (e.g. {@code add}) is taken as a symbol when one exists.
     */
    public static long parse(Session session, String word) {
        int op = Math.max(word.lastIndexOf('+'), word.lastIndexOf('-'));
        if (op > 0) {
            long base = parse(session, word.substring(0, op));
            long off = number(word.substring(op + 1), word);
            return word.charAt(op) == '+' ? base + off : base - off;
        }
        // an explicit 0x, or a long or all-digit hex word, is a number without looking up symbols
        if (word.startsWith("0x") || word.startsWith("0X")) return hex("", word);
        boolean hex = isHex(word);
        if (hex && (word.length() >= 8 || word.chars().allMatch(Character::isDigit))) return hex("", word);
        var table = session.kernel().symbols();
        var s = table.byName(word);
        if (s.isPresent()) return s.get().address();
        if (hex) return hex("", word);
        throw notFound(table, word);
    }

    /** The symbol {@code name}; an unknown name fails with crash's "symbol not found" and the names that contain it. */
    public static Symbol symbol(Session session, String name) {
        var table = session.kernel().symbols();
        return table.byName(name).orElseThrow(() -> notFound(table, name));
    }

    /** crash's "symbol not found: X" with up to ten "possible alternatives" (names containing X). */
    public static CommandException notFound(SymbolTable table, String name) {
        List<Symbol> alike = name.length() < 3 ? List.of() : table.containing(name);
        var sb = new StringBuilder("symbol not found: ").append(name).append("\npossible alternatives:");
        if (alike.isEmpty()) sb.append("\n  (none found)");
        alike.stream().limit(10).forEach(s -> sb.append("\n  ").append(s.displayName()));
        if (alike.size() > 10) sb.append("\n  ... and ").append(alike.size() - 10).append(" more (sym -q ").append(name).append(")");
        return new CommandException(sb.toString());
    }

    /** A count or offset: decimal, or hex with 0x. */
    public static long number(String word, String context) {
        try {
            if (word.startsWith("0x") || word.startsWith("0X")) return Long.parseUnsignedLong(word.substring(2), 16);
            return Long.parseLong(word);
        } catch (NumberFormatException e) {
            throw new CommandException("invalid number: " + word + (context.equals(word) ? "" : " in " + context));
        }
    }
}
