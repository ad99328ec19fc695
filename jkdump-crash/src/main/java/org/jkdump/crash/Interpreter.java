package org.jkdump.crash;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import org.jkdump.format.JkdumpException;

/**
 * Runs command lines against a session: finds the command, parses its flags, runs it,
 * renders its result as crash's text or as JSON ({@code set json on}), and sends the
 * output to the terminal, a pipe or a file. A failing command prints a crash-style message
 * ({@code sym: foo: symbol not found}) and the interpreter carries on; the outcome says
 * whether it failed, for batch exit status.
 */
public final class Interpreter {
    /** What running one line did. */
    public enum Outcome { OK, FAILED, QUIT }

    private static final Set<String> QUIT_WORDS = Set.of("q", "quit", "exit");

    private final CommandRegistry registry;
    private final Session session;
    private final boolean debug;

    public Interpreter(CommandRegistry registry, Session session, boolean debug) {
        this.registry = registry;
        this.session = session;
        this.debug = debug;
    }

    public CommandRegistry registry() {
        return registry;
    }

    public Session session() {
        return session;
    }

    /** Runs one line (possibly several commands separated by ';'); stops at a quit. */
    public Outcome execute(String line, PrintWriter out, PrintWriter err) {
        var outcome = Outcome.OK;
        for (var cmd : Invocation.splitCommands(line)) {
            var o = executeOne(cmd, out, err);
            if (o == Outcome.QUIT) return Outcome.QUIT;
            if (o == Outcome.FAILED) outcome = Outcome.FAILED;
        }
        return outcome;
    }

    private Outcome executeOne(String line, PrintWriter out, PrintWriter err) {
        Invocation inv;
        try {
            inv = Invocation.parse(line);
        } catch (UsageException e) {
            err.println("crash: " + e.getMessage());
            return Outcome.FAILED;
        }
        if (inv.words().isEmpty()) return Outcome.OK;
        if (QUIT_WORDS.contains(inv.name())) return Outcome.QUIT;
        // gdb-style formats ride on the command word (p/x): the format becomes the first argument
        int slash = inv.name().indexOf('/');
        if (slash > 0) {
            var words = new java.util.ArrayList<String>();
            words.add(inv.name().substring(0, slash));
            words.add(inv.name().substring(slash));
            words.addAll(inv.args());
            inv = new Invocation(words, inv.pipe(), inv.redirect(), inv.append());
        }
        var found = registry.find(inv.name());
        if (found.isEmpty()) {
            err.println("crash: command not found: " + inv.name());
            err.flush();
            return Outcome.FAILED;
        }
        var command = found.get();
        var text = new StringWriter();
        var buf = new PrintWriter(text);
        Outcome outcome = Outcome.OK;
        try {
            run(command, inv.args(), buf);
        } catch (UsageException e) {
            buf.flush();
            emit(inv, text.toString(), out, err);
            err.println(command.spec().name() + ": " + e.getMessage());
            err.println("Usage:");
            err.println("  " + command.spec().synopsis());
            err.println("Enter \"help " + command.spec().name() + "\" for details.");
            err.flush();
            return Outcome.FAILED;
        } catch (JkdumpException e) {
            if (debug) e.printStackTrace(err);
            outcome = Outcome.FAILED;
            buf.flush();
            emit(inv, text.toString(), out, err);
            err.println(command.spec().name() + ": " + named(e));
            err.flush();
            return outcome;
        } catch (RuntimeException e) {
            // A bug in a command must not end the shell: say so plainly and go on.
            if (debug) e.printStackTrace(err);
            buf.flush();
            emit(inv, text.toString(), out, err);
            err.println(command.spec().name() + ": internal error: " + e
                    + (debug ? "" : " (rerun with --debug for the stack trace)"));
            err.flush();
            return Outcome.FAILED;
        }
        buf.flush();
        return emit(inv, text.toString(), out, err) ? outcome : Outcome.FAILED;
    }

    /**
     * The message of a failure; one about the dump's data (not a command's own "symbol not
     * found") gets the dump's name in front when the layer that found it did not know the file.
     */
    private String named(JkdumpException e) {
        var name = session.dump().name();
        if (e instanceof CommandException || e.getMessage().contains(name)) return e.getMessage();
        return name + ": " + e.getMessage();
    }

    /** Runs a command and renders its result; the output of a failed command is whatever it wrote before. */
    public <O, R> void run(CrashCommand<O, R> command, List<String> args, PrintWriter out) {
        O options = command.parse(args);
        R result = command.run(session, options);
        if (result == null) return;
        if (session.settings().json()) JsonRenderer.render(result, out);
        else command.renderText(result, out);
    }

    private boolean emit(Invocation inv, String text, PrintWriter out, PrintWriter err) {
        if (inv.redirect().isPresent()) {
            var file = Path.of(inv.redirect().get());
            try {
                Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        inv.append() ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
                return true;
            } catch (IOException e) {
                err.println("crash: " + file + ": " + e.getMessage());
                return false;
            }
        }
        if (inv.pipe().isPresent()) return pipe(inv.pipe().get(), text, out, err);
        out.print(text);
        out.flush();
        return true;
    }

    /** {@code cmd | shell-command}: the output goes through /bin/sh, as crash does it. */
    private static boolean pipe(String shellCommand, String text, PrintWriter out, PrintWriter err) {
        try {
            var p = new ProcessBuilder("/bin/sh", "-c", shellCommand).redirectErrorStream(true).start();
            var writer = Thread.ofVirtual().start(() -> {
                try (var in = p.getOutputStream()) {
                    in.write(text.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // the shell command may stop reading early (head); its output still counts
                }
            });
            var bytes = p.getInputStream().readAllBytes();
            writer.join();
            p.waitFor();
            out.print(new String(bytes, StandardCharsets.UTF_8));
            out.flush();
            // crash ignores the pipe's status (grep finding nothing is not a failed command)
            return true;
        } catch (IOException e) {
            err.println("crash: cannot run " + shellCommand + ": " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted"));
        }
    }
}
