package org.jkdump.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The two ways to feed the interpreter: batch (lines from {@code -c}, {@code -i FILE} or a
 * non-terminal stdin; the exit status says whether any command failed) and the interactive
 * shell on JLine (history in ~/.jkdump_history, tab completion of command names and of
 * symbol and struct names after them, output longer than the screen through a pager).
 */
public final class Shell {
    private Shell() {
    }

    /** Runs each line in turn; returns 0 when every command succeeded, 1 otherwise. */
    public static int batch(Interpreter interp, List<String> lines, PrintWriter out, PrintWriter err) {
        boolean failed = false;
        for (var line : lines) {
            var o = interp.execute(line, out, err);
            if (o == Interpreter.Outcome.QUIT) break;
            if (o == Interpreter.Outcome.FAILED) failed = true;
        }
        out.flush();
        err.flush();
        return failed ? 1 : 0;
    }

    public static List<String> readLines(BufferedReader in) {
        try {
            var l = new ArrayList<String>();
            for (String s; (s = in.readLine()) != null; ) l.add(s);
            return l;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The interactive shell. {@code words} gives completion candidates for an argument of a
     * command (symbol and struct names, {@link Completions}) from what the user has typed so far.
     */
    public static int interactive(Interpreter interp, java.util.function.BiFunction<String, String, List<String>> words) throws IOException {
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            var reader = LineReaderBuilder.builder()
                    .terminal(terminal)
                    .appName("jkdump")
                    .completer(completer(interp.registry(), words))
                    .variable(LineReader.HISTORY_FILE, Path.of(System.getProperty("user.home"), ".jkdump_history"))
                    .build();
            var termOut = terminal.writer();
            var err = new PrintWriter(terminal.writer(), true);
            while (true) {
                String line;
                try {
                    line = reader.readLine("crash> ");
                } catch (UserInterruptException e) {
                    continue;
                } catch (EndOfFileException e) {
                    break;
                }
                var text = new StringWriter();
                var out = new PrintWriter(text);
                var o = interp.execute(line, out, err);
                out.flush();
                page(terminal, text.toString(), termOut, interp.session().settings().scroll());
                if (o == Interpreter.Outcome.QUIT) break;
            }
            reader.getHistory().save();
        }
        return 0;
    }

    static Completer completer(CommandRegistry registry, java.util.function.BiFunction<String, String, List<String>> words) {
        return (reader, parsed, candidates) -> {
            if (parsed.wordIndex() == 0) {
                for (var n : registry.allNames()) candidates.add(new Candidate(n));
                return;
            }
            var prefix = parsed.word().substring(0, Math.min(parsed.wordCursor(), parsed.word().length()));
            // members complete as struct.member: no space after a candidate that ends the struct's name
            for (var w : words.apply(parsed.words().getFirst(), prefix)) candidates.add(new Candidate(w, w, null, null, null, null, true));
        };
    }

    /** Output taller than the terminal goes through $PAGER (default less), as crash's scroll does. */
    private static void page(Terminal terminal, String text, PrintWriter termOut, boolean scroll) {
        long lines = text.lines().count();
        if (!scroll || lines < terminal.getHeight() - 1) {
            termOut.print(text);
            termOut.flush();
            return;
        }
        var pager = System.getenv().getOrDefault("PAGER", "less -FRX");
        try {
            var p = new ProcessBuilder("/bin/sh", "-c", pager)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            try (var in = p.getOutputStream()) {
                in.write(text.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the user quit the pager before reading everything
            }
            p.waitFor();
        } catch (IOException e) {
            termOut.print(text);
            termOut.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
