package org.jkdump.kernel.helpers;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * What the kernel log says about the crash: the panic message as crash's {@code sys} finds
 * it (the first line holding one of crash's panic strings, tried in crash's order), the
 * oops/BUG line, the function it names (the kernel-mode {@code RIP:} line of the oops, or
 * for a plain panic the first reliable frame of the call trace below {@code panic}), the
 * CPU, pid and command of the "CPU: N PID: N Comm: X" line, and the reliable call-trace
 * frames. Works on the message text of printk records (no timestamps).
 */
public record Panic(String message, Optional<String> oopsLine, Optional<String> function, OptionalInt cpu,
                    OptionalInt pid, Optional<String> comm, List<String> callTrace) {

    // crash's panic_msg[] search order (task.c): sysrq first, then panics, BUGs and oopses
    private static final List<String> PANIC_STRINGS = List.of("SysRq : Crash", "SysRq : Trigger a crash", "SysRq : Netdump",
            "Kernel panic: ", "Kernel panic - ", "Kernel BUG at", "kernel BUG at", "Unable to handle kernel paging request",
            "Unable to handle kernel NULL pointer dereference", "BUG: unable to handle kernel ", "general protection fault: ",
            "double fault: ", "divide error: ", "stack segment: ", "[Hardware Error]: ", "Bad mode in ", "Oops: ");
    private static final List<String> OOPS_STARTS = List.of("BUG: ", "kernel BUG at", "general protection fault",
            "Unable to handle kernel", "double fault: ", "divide error: ", "stack segment: ", "Oops: ", "WARNING: ");
    /** Lines of a die() report's head: "BUG: kernel NULL pointer dereference" comes four lines before its "Oops: 0002 [#1]". */
    private static final int REPORT_HEAD = 8;
    // 6.12 and later put the task's uid between CPU and PID ("CPU: 1 UID: 0 PID: 1 Comm: init")
    private static final Pattern CPU_LINE = Pattern.compile("^CPU: (\\d+) (?:UID: \\d+ )?PID: (\\d+) Comm: (\\S+)");
    private static final Pattern KERNEL_RIP = Pattern.compile("^RIP: 0010:(\\S+(?: \\[\\S+\\])?)");
    private static final Pattern FRAME = Pattern.compile("^ (\\S+\\+0x[0-9a-f]+/0x[0-9a-f]+(?: \\[\\S+\\])?)$");
    // __die_header(): "<why>: <error code, 4 hex digits> [#<die count>]", whatever die() was told
    private static final Pattern DIE_HEADER = Pattern.compile("^\\S.*: [0-9a-f]{4} \\[#\\d+\\]");

    /** Reads the log's message lines; empty when no panic string appears (a hang dump, a manual dump). */
    public static Optional<Panic> fromLog(List<String> lines) {
        int at = -1;
        for (var s : PANIC_STRINGS) {
            for (int i = 0; i < lines.size() && at < 0; i++) if (lines.get(i).contains(s)) at = i;
            if (at >= 0) break;
        }
        return at < 0 ? Optional.empty() : Optional.of(at(lines, at));
    }

    /**
     * {@link #fromLog}, or when none of crash's strings is there, the first die() header: an
     * oops with kdump loaded goes to crash_kexec() from oops_end() before any panic() line, and
     * die() reasons crash does not list ("stack guard page: 0000 [#1]" of a kernel stack
     * overflow) leave crash's PANIC empty. For triage, which must say what happened.
     */
    public static Optional<Panic> fromLogOrDie(List<String> lines) {
        var p = fromLog(lines);
        if (p.isPresent()) return p;
        for (int i = 0; i < lines.size(); i++) if (DIE_HEADER.matcher(lines.get(i)).find()) return Optional.of(at(lines, i));
        return Optional.empty();
    }

    private static Panic at(List<String> lines, int at) {
        var message = lines.get(at).strip();
        // the oops report: the last one that starts at or before the panic line (a WARNING or BUG
        // long before, unrelated, is not it), from its first BUG/oops/WARNING line; a die()
        // report printed only after the panic line otherwise
        int oopsAt = -1;
        for (int i = 0; i <= at; i++) if (oopsStart(lines.get(i))) oopsAt = i;
        if (oopsAt >= 0 && DIE_HEADER.matcher(lines.get(oopsAt)).find())
            for (int i = oopsAt - 1, stop = Math.max(0, oopsAt - REPORT_HEAD); i >= stop; i--) if (oopsStart(lines.get(i))) oopsAt = i;
        for (int i = at + 1; oopsAt < 0 && i < lines.size(); i++) if (oopsStart(lines.get(i))) oopsAt = i;
        Optional<String> oops = oopsAt >= 0 ? Optional.of(lines.get(oopsAt).strip()) : Optional.empty();
        int from = oopsAt >= 0 ? Math.min(oopsAt, at) : at;
        OptionalInt cpu = OptionalInt.empty(), pid = OptionalInt.empty();
        Optional<String> comm = Optional.empty(), function = Optional.empty();
        var frames = new ArrayList<String>();
        boolean inTrace = false;
        for (int i = from; i < lines.size(); i++) {
            var l = lines.get(i);
            var c = CPU_LINE.matcher(l);
            if (c.find() && cpu.isEmpty()) {
                cpu = OptionalInt.of(Integer.parseInt(c.group(1)));
                pid = OptionalInt.of(Integer.parseInt(c.group(2)));
                comm = Optional.of(c.group(3));
            }
            var r = KERNEL_RIP.matcher(l);
            if (r.find() && function.isEmpty()) function = Optional.of(withoutOffset(r.group(1)));
            if (l.startsWith("Call Trace:")) inTrace = frames.isEmpty();
            else if (inTrace) {
                if (l.contains("</TASK>")) inTrace = false;
                var f = FRAME.matcher(l);
                if (f.find()) frames.add(withoutOffset(f.group(1)));
            }
        }
        if (function.isEmpty()) {
            // a plain panic(): the caller of panic() is what the message is about
            int p = frames.indexOf("panic");
            if (p >= 0 && p + 1 < frames.size()) function = Optional.of(frames.get(p + 1));
        }
        return new Panic(message, oops, function, cpu, pid, comm, List.copyOf(frames));
    }

    private static boolean oopsStart(String line) {
        return OOPS_STARTS.stream().anyMatch(line::startsWith);
    }

    /** {@code jk_write+0xca/0xf5 [jkcrash]} → {@code jk_write [jkcrash]}. */
    static String withoutOffset(String frame) {
        return frame.replaceFirst("\\+0x[0-9a-f]+/0x[0-9a-f]+", "");
    }

    /** The kind of crash for a signature: the oops line when there is one, else the panic message. */
    public String kind() {
        return oopsLine.orElse(message);
    }
}
