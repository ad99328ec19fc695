package org.jkdump.crash;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One command as typed: its words (quotes removed), and what crash lets follow it — a pipe
 * to a shell command ({@code ps | grep sleep}) or a redirection to a file ({@code log > f},
 * {@code log >> f}).
 *
 * @param pipe     the shell command after an unquoted '|', if any
 * @param redirect the file after an unquoted '>' or '>>', if any
 */
public record Invocation(List<String> words, Optional<String> pipe, Optional<String> redirect, boolean append) {
    public Invocation {
        words = List.copyOf(words);
    }

    public String name() {
        return words.isEmpty() ? "" : words.getFirst();
    }

    public List<String> args() {
        return words.subList(1, words.size());
    }

    /** Splits a line into commands at unquoted ';' (the {@code -c "cmd; cmd"} form). */
    public static List<String> splitCommands(String line) {
        var out = new ArrayList<String>();
        var cur = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == ';') {
                if (!cur.toString().isBlank()) out.add(cur.toString().strip());
                cur.setLength(0);
                continue;
            }
            cur.append(c);
        }
        if (!cur.toString().isBlank()) out.add(cur.toString().strip());
        return out;
    }

    /** Parses one command: words split at blanks, quotes kept together, then '|' or '>' tails. */
    public static Invocation parse(String line) {
        var words = new ArrayList<String>();
        var cur = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
                else cur.append(c);
                continue;
            }
            if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (c == '|') {
                if (inWord) words.add(cur.toString());
                return new Invocation(words, Optional.of(line.substring(i + 1).strip()), Optional.empty(), false);
            } else if (c == '>') {
                if (inWord) words.add(cur.toString());
                boolean append = i + 1 < line.length() && line.charAt(i + 1) == '>';
                var file = line.substring(i + (append ? 2 : 1)).strip();
                if (file.isEmpty()) throw new UsageException(words.isEmpty() ? "crash" : words.getFirst(), "no file after '>'");
                return new Invocation(words, Optional.empty(), Optional.of(file), append);
            } else if (Character.isWhitespace(c)) {
                if (inWord) words.add(cur.toString());
                cur.setLength(0);
                inWord = false;
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (quote != 0) throw new UsageException(words.isEmpty() ? "crash" : words.getFirst(), "unbalanced quote " + quote);
        if (inWord) words.add(cur.toString());
        return new Invocation(words, Optional.empty(), Optional.empty(), false);
    }
}
