package org.jkdump.crash.commands;

import java.io.PrintWriter;
import java.util.List;
import org.jkdump.crash.CommandSpec;
import org.jkdump.crash.CrashCommand;
import org.jkdump.crash.Getopt;
import org.jkdump.crash.Session;
import org.jkdump.crash.SystemInfo;

/** {@code sys}: the system at the crash (kernel, dump, CPUs, date, uptime, load, tasks, uts, memory, panic). */
public final class SysCommand implements CrashCommand<SysCommand.Options, SystemInfo> {
    public record Options() {
    }

    @Override
    public CommandSpec spec() {
        return CommandSpec.of("sys", "sys", "system data",
                """
                Shows the crashed system's basic data, as crash's sys does: the kernel's
                symbol source, the dump file (and [PARTIAL DUMP] when pages were filtered),
                CPUs, the crash date, uptime (from jiffies), load average (avenrun), the
                number of tasks, the uts name fields, processor speed, memory size and the
                panic message (found in the log as crash finds it).
                  crash> sys
                  crash> sys | grep PANIC""");
    }

    @Override
    public Options parse(List<String> args) {
        var g = Getopt.parse("sys", args, "");
        if (!g.operands().isEmpty()) throw new org.jkdump.crash.UsageException("sys", "unexpected argument " + g.operands().getFirst());
        return new Options();
    }

    @Override
    public SystemInfo run(Session session, Options o) {
        return SystemInfo.of(session);
    }

    @Override
    public void renderText(SystemInfo s, PrintWriter out) {
        out.printf("      KERNEL: %s%s%n", s.kernel(), s.tainted() ? "  [TAINTED]" : "");
        out.printf("    DUMPFILE: %s%s%n", s.dumpFile(), s.dumpFlags().stream().map(f -> "  [" + f + "]").reduce("", String::concat));
        out.printf("        CPUS: %d%s%n", s.cpus(), s.offlineCpus() > 0 ? " [OFFLINE: " + s.offlineCpus() + "]" : "");
        out.printf("        DATE: %s%n", s.date());
        out.printf("      UPTIME: %s%n", s.uptime());
        out.printf("LOAD AVERAGE: %s%n", s.loadAverage());
        out.printf("       TASKS: %d%n", s.tasks());
        out.printf("    NODENAME: %s%n", s.nodename());
        out.printf("     RELEASE: %s%n", s.release());
        out.printf("     VERSION: %s%n", s.version());
        out.printf("     MACHINE: %s  (%s Mhz)%n", s.machine(), s.mhz() > 0 ? Long.toString(s.mhz()) : "unknown");
        out.printf("      MEMORY: %s%n", s.memory());
        out.printf("       PANIC: \"%s\"%s%n", s.panic(), s.panic().contains("Oops: ") ? " (check log for details)" : "");
    }
}
