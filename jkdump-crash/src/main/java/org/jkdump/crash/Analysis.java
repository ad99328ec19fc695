package org.jkdump.crash;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code jkdump analyze}: what went wrong, on one screen. Built from the same helpers as the
 * crash commands: the system data of {@code sys}, the panic (message, oops/BUG line and the
 * function it names), the taint flags decoded, the panicking CPU and task with its
 * backtrace as {@code bt} shows it (its registers when it cannot be unwound), the last log
 * lines before the panic, the modules that taint the kernel, a memory summary, and the
 * {@link CrashSignature} over the backtrace's crash site — for a hung-task panic, over where
 * the blocked task sleeps, as the blocked tasks the log names are what it is about. What a
 * damaged dump does not let it read (the task list, the module list, the memory counters) is
 * listed as unreadable, and the rest is reported.
 */
public record Analysis(String release, String version, String machine, String crashTime, String uptime,
                       String panicMessage, String panicKind, Optional<String> oopsLine, Optional<String> function,
                       String taintString, List<String> taintFlags, int panicCpu, Optional<PanicTask> task,
                       Map<String, String> registers, List<String> backtrace, List<String> lastLog, List<TaintingModule> taintingModules,
                       String memory, List<Blocked> blocked, List<String> unreadable, CrashSignature signature) {

    /** A task the hung-task watchdog reported blocked, with its backtrace as {@code bt} shows it. */
    public record Blocked(long pid, String comm, long seconds, List<String> backtrace) {
    }

    /** The task that panicked. */
    public record PanicTask(long pid, String comm, long address) {
    }

    /** A module that is out of tree, unsigned, proprietary or otherwise taints the kernel. */
    public record TaintingModule(String name, String taints) {
    }

    public void renderText(PrintWriter out) {
        out.printf("%-10s %s %s (%s)%n", "KERNEL:", release, version, machine);
        out.printf("%-10s %s, up %s%n", "CRASHED:", crashTime, uptime);
        out.printf("%-10s %s%n", "PANIC:", panicMessage);
        oopsLine.ifPresent(l -> out.printf("%-10s %s%n", "OOPS:", l));
        function.ifPresent(f -> out.printf("%-10s %s%n", "IN:", f));
        out.printf("%-10s %s%n", "TAINT:", taintFlags.isEmpty() ? "not tainted" : taintString.strip() + " — " + String.join(", ", taintFlags));
        out.printf("%-10s CPU %d%s%n", "TASK:", panicCpu,
                task.map(t -> String.format(", PID %d \"%s\" (task %016x)", t.pid(), t.comm(), t.address())).orElse(""));
        if (!backtrace.isEmpty()) {
            out.println("BACKTRACE:");
            for (var l : backtrace) out.println("  " + l);
        } else if (!registers.isEmpty()) {
            out.println("REGISTERS:");
            var line = new StringBuilder();
            int n = 0;
            for (var e : registers.entrySet()) {
                line.append(String.format("  %3s: %s", e.getKey().toUpperCase(), e.getValue()));
                if (++n % 3 == 0) {
                    out.println(line);
                    line.setLength(0);
                }
            }
            if (!line.isEmpty()) out.println(line);
        }
        if (!taintingModules.isEmpty()) {
            out.printf("%-10s %s%n", "MODULES:", String.join(", ",
                    taintingModules.stream().map(m -> m.name() + " (" + m.taints() + ")").toList()));
        }
        out.printf("%-10s %s%n", "MEMORY:", memory);
        for (var b : blocked) {
            out.printf("%-10s PID %d \"%s\", blocked for more than %d seconds%n", "BLOCKED:", b.pid(), b.comm(), b.seconds());
            for (var l : b.backtrace()) out.println("  " + l);
        }
        for (var u : unreadable) out.printf("%-10s %s%n", "UNREADABLE:", u);
        out.printf("%-10s %s  [%s%s]%n", "SIGNATURE:", signature.hash(), signature.kind(),
                signature.frames().isEmpty() ? "" : " | " + String.join(" < ", signature.frames()));
        out.println("LAST LOG LINES:");
        for (var l : lastLog) out.println("  " + l);
    }

    public void renderHtml(PrintWriter out) {
        out.println("<!DOCTYPE html>");
        out.println("<html><head><meta charset=\"utf-8\"><title>jkdump analyze: " + esc(panicMessage) + "</title>");
        out.println("<style>body{font-family:sans-serif;margin:2em}th{text-align:left;padding-right:1em;vertical-align:top}"
                + "pre{background:#f4f4f4;padding:.5em}</style></head><body>");
        out.println("<h1>" + esc(panicMessage) + "</h1>");
        out.println("<table>");
        row(out, "Kernel", release + " " + version + " (" + machine + ")");
        row(out, "Crashed", crashTime + ", up " + uptime);
        oopsLine.ifPresent(l -> row(out, "Oops", l));
        function.ifPresent(f -> row(out, "In function", f));
        row(out, "Taint", taintFlags.isEmpty() ? "not tainted" : taintString.strip() + " — " + String.join(", ", taintFlags));
        row(out, "Task", "CPU " + panicCpu + task.map(t -> String.format(", PID %d \"%s\" (task %016x)", t.pid(), t.comm(), t.address())).orElse(""));
        if (!taintingModules.isEmpty())
            row(out, "Tainting modules", String.join(", ", taintingModules.stream().map(m -> m.name() + " (" + m.taints() + ")").toList()));
        row(out, "Memory", memory);
        for (var u : unreadable) row(out, "Unreadable", u);
        row(out, "Signature", signature.hash() + " [" + signature.kind() + "]");
        out.println("</table>");
        if (!backtrace.isEmpty()) {
            out.println("<h2>Backtrace</h2><pre>");
            for (var l : backtrace) out.println(esc(l));
            out.println("</pre>");
        }
        for (var b : blocked) {
            out.println("<h2>Blocked: PID " + b.pid() + " \"" + esc(b.comm()) + "\", for more than " + b.seconds() + " seconds</h2><pre>");
            for (var l : b.backtrace()) out.println(esc(l));
            out.println("</pre>");
        }
        if (!registers.isEmpty()) {
            out.println("<h2>Registers</h2><pre>");
            registers.forEach((k, v) -> out.println(esc(String.format("%3s: %s", k.toUpperCase(), v))));
            out.println("</pre>");
        }
        out.println("<h2>Last log lines</h2><pre>");
        for (var l : lastLog) out.println(esc(l));
        out.println("</pre></body></html>");
    }

    private static void row(PrintWriter out, String k, String v) {
        out.println("<tr><th>" + esc(k) + "</th><td>" + esc(v) + "</td></tr>");
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
