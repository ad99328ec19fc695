package org.jkdump.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.jkdump.format.DumpFiles;

/** A batch shell over one dump for tests: runs a command line and keeps what it printed. */
public final class CrashRun implements AutoCloseable {
    /** What one command line printed on stdout and stderr. */
    public record Output(String out, String err, Interpreter.Outcome outcome) {
        public List<String> lines() {
            if (out.isEmpty()) return List.of();
            var parts = List.of(out.split("\n", -1));
            return parts.subList(0, parts.size() - (out.endsWith("\n") ? 1 : 0));
        }
    }

    private final Session session;
    private final Interpreter interpreter;

    public CrashRun(Path dump) {
        session = new Session(DumpFiles.open(dump));
        interpreter = new Interpreter(Commands.registry(), session, false);
    }

    public Session session() {
        return session;
    }

    public Output run(String line) {
        var out = new StringWriter();
        var err = new StringWriter();
        var outcome = interpreter.execute(line, new PrintWriter(out), new PrintWriter(err));
        return new Output(out.toString(), err.toString(), outcome);
    }

    /** Runs a command line that must succeed and returns the lines it printed. */
    public List<String> ok(String line) {
        var o = run(line);
        assertThat(o.outcome()).as("%s failed: %s", line, o.err()).isEqualTo(Interpreter.Outcome.OK);
        return o.out().lines().toList();
    }

    /** Runs a command line that must fail and returns what it printed on stderr. */
    public String fails(String line) {
        var o = run(line);
        assertThat(o.outcome()).as("%s should fail", line).isEqualTo(Interpreter.Outcome.FAILED);
        return o.err();
    }

    @Override
    public void close() {
        session.close();
    }
}
