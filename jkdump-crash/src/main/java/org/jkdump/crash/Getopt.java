package org.jkdump.crash;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Command arguments split as crash's commands split them with getopt(3): an option string
 * such as {@code "lq:"} names single-letter flags, a colon marking one that takes a value
 * ({@code -q x} or {@code -qx}); flags cluster ({@code -lx}); {@code --} ends flags. Words
 * that are not flags are operands, in order, wherever they stand (GNU getopt permutes).
 * A word that starts with '-' and a digit the option string does not name is an operand
 * (a negative number).
 */
public record Getopt(Map<Character, List<String>> flags, List<String> operands) {

    public static Getopt parse(String command, List<String> args, String optstring) {
        var flags = new LinkedHashMap<Character, List<String>>();
        var operands = new ArrayList<String>();
        boolean noMoreFlags = false;
        for (int i = 0; i < args.size(); i++) {
            var w = args.get(i);
            if (noMoreFlags || w.length() < 2 || w.charAt(0) != '-') {
                operands.add(w);
                continue;
            }
            if (w.equals("--")) {
                noMoreFlags = true;
                continue;
            }
            if (Character.isDigit(w.charAt(1)) && optstring.indexOf(w.charAt(1)) < 0) {
                operands.add(w);
                continue;
            }
            for (int j = 1; j < w.length(); j++) {
                char c = w.charAt(j);
                int at = optstring.indexOf(c);
                if (at < 0 || c == ':')
                    throw new UsageException(command, "invalid option -- '" + c + "'");
                boolean takesValue = at + 1 < optstring.length() && optstring.charAt(at + 1) == ':';
                if (!takesValue) {
                    flags.computeIfAbsent(c, k -> new ArrayList<>()).add("");
                    continue;
                }
                String value;
                if (j + 1 < w.length()) value = w.substring(j + 1);
                else if (i + 1 < args.size()) value = args.get(++i);
                else throw new UsageException(command, "option requires an argument -- '" + c + "'");
                flags.computeIfAbsent(c, k -> new ArrayList<>()).add(value);
                break;
            }
        }
        return new Getopt(Map.copyOf(flags), List.copyOf(operands));
    }

    public boolean has(char flag) {
        return flags.containsKey(flag);
    }

    /** The last value given for a flag that takes one. */
    public Optional<String> value(char flag) {
        var v = flags.get(flag);
        return v == null ? Optional.empty() : Optional.of(v.getLast());
    }

    public List<String> values(char flag) {
        return flags.getOrDefault(flag, List.of());
    }
}
