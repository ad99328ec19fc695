package org.jkdump.crash;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.jkdump.kernel.helpers.BlockedTask;
import org.jkdump.kernel.helpers.MemInfo;
import org.jkdump.kernel.helpers.Modules;
import org.jkdump.kernel.helpers.Panic;
import org.jkdump.kernel.helpers.Taint;

/** Builds the {@link Analysis} of a session's dump from the helpers and the log. */
public final class Analyzer {
    /** How many log lines before the panic line the report shows. */
    static final int LOG_LINES = 15;
    /** How many of the hung-task watchdog's blocked tasks the report shows with their backtraces. */
    static final int BLOCKED_SHOWN = 3;
    /** Scheduler frames a sleeping task's backtrace starts with (__schedule, schedule, schedule_timeout, ...). */
    private static final int SCHEDULER_FRAMES = 4;

    private Analyzer() {
    }

    public static Analysis analyze(Session s) {
        var k = s.kernel();
        var sys = SystemInfo.of(s);
        var texts = s.log().stream().map(Session.LogLine::text).toList();
        var panic = Panic.fromLogOrDie(texts);
        var taint = s.taint();
        int cpu = PanicTask.cpu(s);
        long taskAddr = PanicTask.address(s);
        // what a damaged dump does not let us read is named in the report, not fatal to it
        var unreadable = new ArrayList<String>();
        var tasks = readable(unreadable, "task list", s::tasks, List.<org.jkdump.kernel.helpers.Tasks.Task>of());
        var task = tasks.stream().filter(t -> t.address() == taskAddr).findFirst()
                .map(t -> new Analysis.PanicTask(t.pid(), t.comm(), t.address()));
        var regs = new LinkedHashMap<String, String>();
        k.dump().cpuStates().stream().filter(c -> c.cpu() == cpu).findFirst()
                .ifPresent(c -> c.registers().asMap().forEach((n, v) -> regs.put(n, String.format("%016x", v))));
        int at = panic.map(p -> texts.indexOf(p.message())).orElse(texts.size() - 1);
        if (at < 0) at = texts.size() - 1;
        var last = new ArrayList<String>();
        for (int i = Math.max(0, at - LOG_LINES); i <= at && i < texts.size(); i++) {
            var l = s.log().get(i);
            long ns = Math.round(l.seconds() * 1e9);
            last.add(String.format("[%5d.%06d] %s", ns / 1_000_000_000L, ns % 1_000_000_000L / 1000, l.text()));
        }
        var tainting = readable(unreadable, "module list", () -> Modules.all(k).stream().filter(m -> m.taint().tainted())
                .map(m -> new Analysis.TaintingModule(m.name(), m.taint().letters())).toList(), List.<Analysis.TaintingModule>of());
        int ps = k.memory().physical().pageSize();
        var memory = readable(unreadable, "memory counters", () -> {
            var mem = MemInfo.read(k);
            return String.format("%s total, %s free, %s cached, %s slab", CrashFormat.pagesToSize(mem.totalRam(), ps),
                    CrashFormat.pagesToSize(mem.free(), ps), CrashFormat.pagesToSize(mem.cached(), ps), CrashFormat.pagesToSize(mem.slab(), ps));
        }, "(unreadable)");
        var kind = panic.map(Panic::kind).orElse("no panic message in the log");
        // the signature's frames are the backtrace's crash site; when the task cannot be
        // unwound, the function the oops or panic line names stands in
        List<String> frames = List.of();
        List<String> bt = List.of();
        try {
            frames = s.unwinder().backtrace(taskAddr, java.util.OptionalInt.of(cpu)).crashSite(CrashSignature.TOP_FRAMES);
            bt = backtraceText(s, taskAddr);
        } catch (org.jkdump.format.JkdumpException e) {
            // no ORC or an unreadable stack: registers and the log's function remain
        }
        if (frames.isEmpty()) frames = panic.flatMap(Panic::function).map(List::of).orElse(List.of());
        var blocked = new ArrayList<Analysis.Blocked>();
        if (panic.isPresent() && BlockedTask.isHungTaskPanic(panic.get().message())) {
            for (var b : BlockedTask.fromLog(texts).stream().limit(BLOCKED_SHOWN).toList()) {
                var t = tasks.stream().filter(x -> x.pid() == b.pid() && x.comm().equals(b.comm())).findFirst();
                if (t.isEmpty()) continue;
                List<String> text = List.of();
                try {
                    text = backtraceText(s, t.get().address());
                    // the bug is where the first blocked task sleeps, not in khungtaskd
                    if (blocked.isEmpty()) frames = sleepSite(s.unwinder().backtrace(t.get().address(), java.util.OptionalInt.empty()));
                } catch (org.jkdump.format.JkdumpException e) {
                    // its stack cannot be read: the log's report of it remains
                }
                blocked.add(new Analysis.Blocked(b.pid(), b.comm(), b.seconds(), text));
            }
        }
        return new Analysis(sys.release(), sys.version(), sys.machine(), sys.date(), sys.uptime(),
                panic.map(Panic::message).orElse("(no panic message found in the log)"), kind,
                panic.flatMap(Panic::oopsLine), blocked.isEmpty() || frames.isEmpty() ? panic.flatMap(Panic::function) : Optional.of(frames.getFirst()),
                taint.kernelString(),
                taint.set().stream().map(f -> f.letter() + " " + f.meaning()).toList(), cpu, task, regs, bt, last,
                tainting, memory, List.copyOf(blocked), List.copyOf(unreadable), CrashSignature.of(kind, frames));
    }

    /** {@code read}'s value, or {@code otherwise} with what stopped it noted in {@code unreadable}. */
    private static <T> T readable(List<String> unreadable, String what, java.util.function.Supplier<T> read, T otherwise) {
        try {
            return read.get();
        } catch (org.jkdump.format.JkdumpException e) {
            unreadable.add(what + ": " + e.getMessage());
            return otherwise;
        }
    }

    /** The functions a sleeping task is in, innermost first, past the scheduler's own. */
    private static List<String> sleepSite(org.jkdump.kernel.unwind.Backtrace bt) {
        var names = new ArrayList<>(bt.crashSite(CrashSignature.TOP_FRAMES + SCHEDULER_FRAMES));
        while (!names.isEmpty() && names.getFirst().contains("schedule")) names.removeFirst();
        return names.stream().limit(CrashSignature.TOP_FRAMES).toList();
    }

    /** The task's backtrace as {@code bt TASK} prints it. */
    private static List<String> backtraceText(Session s, long task) {
        var bt = new org.jkdump.crash.commands.BtCommand(SessionBacktraces::new);
        var text = new java.io.StringWriter();
        var out = new java.io.PrintWriter(text);
        bt.renderText(bt.run(s, bt.parse(List.of(Long.toHexString(task)))), out);
        out.flush();
        return text.toString().lines().toList();
    }

    static Optional<Taint> taint(Session s) {
        return Optional.of(s.taint());
    }
}
