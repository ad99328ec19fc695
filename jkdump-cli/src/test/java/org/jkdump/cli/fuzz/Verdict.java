package org.jkdump.cli.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Judges one run of a jkdump command on bad input against the project's rule: exit status 0
 * or 1 (2 only for a usage error), and on 1 exactly one {@code jkdump: ...} line naming the
 * file; never a stack trace, an internal error, an OutOfMemoryError or a run past its time.
 * crash's batch mode prints one line per failed command instead and is judged on those lines.
 *
 * @param problems what is wrong, one class each ("timeout", "stack trace", ...); empty when the run is fine
 */
public record Verdict(String command, int status, double seconds, String err, List<String> problems) {
    private static final Pattern TRACE = Pattern.compile("(?m)^\\s+at [\\w.$]+\\(|Exception in thread|\\w+(Exception|Error)\\b");

    public boolean ok() {
        return problems.isEmpty();
    }

    /**
     * @param name       the file whose name a failure message must carry (null: any)
     * @param crash      whether the command is crash's batch mode (one message per failed command)
     * @param usageError whether the arguments are wrong on purpose (exit status 2 expected)
     */
    public static Verdict judge(String command, int status, double seconds, boolean timedOut, String out, String err, String name,
                                boolean crash, boolean usageError) {
        var p = new ArrayList<String>();
        String all = out + "\n" + err;
        if (timedOut) p.add("timeout");
        if (all.contains("out of memory") || all.contains("OutOfMemoryError")) p.add("out of memory");
        if (all.contains("internal error")) p.add("internal error");
        if (TRACE.matcher(err).find()) p.add("stack trace or exception name");
        if (!timedOut) {
            if (usageError) {
                if (status != 2 && status != 1) p.add("exit status " + status + " for a usage error");
                if (status == 0) p.add("wrong option accepted");
            } else if (status != 0 && status != 1) {
                p.add("exit status " + status);
            }
            var lines = err.lines().filter(l -> !l.isBlank()).toList();
            var jk = lines.stream().filter(l -> l.startsWith("jkdump: ")).toList();
            if (status == 1 && !crash) {
                if (jk.size() != 1) p.add(jk.size() + " jkdump: lines (want 1)");
                else if (name != null && !jk.getFirst().contains(name)) p.add("message does not name the file");
            }
            if (status == 1 && crash && lines.isEmpty()) p.add("failed without a message");
            if (status == 1 && crash && jk.size() > 1) p.add(jk.size() + " jkdump: lines (want at most 1)");
        }
        return new Verdict(command, status, seconds, err, List.copyOf(p));
    }

    /** The first line of stderr that says what went wrong (for reports). */
    public String message() {
        return err.lines().filter(l -> !l.isBlank()).filter(l -> !l.startsWith("  ") && !l.startsWith("\t"))
                .reduce((a, b) -> b.startsWith("jkdump: ") ? b : a).orElse("");
    }
}
