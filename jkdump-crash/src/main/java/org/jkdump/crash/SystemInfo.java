package org.jkdump.crash;

import java.util.ArrayList;
import java.util.List;
import org.jkdump.kernel.helpers.Cpus;
import org.jkdump.kernel.helpers.MemInfo;
import org.jkdump.kernel.helpers.Panic;
import org.jkdump.kernel.helpers.Uptime;
import org.jkdump.kernel.helpers.Uts;
import org.jkdump.kernel.helpers.WallClock;

/**
 * The system data {@code sys} prints and {@code analyze} starts from.
 *
 * @param kernel    where symbols and types came from (crash prints the vmlinux name here)
 * @param dumpFlags crash's dump-file notes: PARTIAL DUMP (pages filtered), INCOMPLETE
 */
public record SystemInfo(String kernel, boolean tainted, long taintMask, String dumpFile, List<String> dumpFlags,
                         int cpus, int offlineCpus, String date, long crashTime, String uptime, String loadAverage,
                         int tasks, String nodename, String release, String version, String machine, long mhz,
                         String memory, String panic) {

    public static SystemInfo of(Session s) {
        var k = s.kernel();
        var uts = Uts.read(k);
        var present = Cpus.present(k);
        var online = Cpus.online(k);
        var log = s.log();
        double lastSeconds = log.isEmpty() ? 0 : log.getLast().seconds();
        var uptime = Uptime.read(k, lastSeconds);
        var flags = new ArrayList<String>();
        var d = k.dump().describe();
        if (d.dumpLevel().orElse(0) > 0 || !d.ranges().stream().allMatch(r -> r.excludedPages() == 0)) flags.add("PARTIAL DUMP");
        if (d.incomplete()) flags.add("INCOMPLETE");
        // crash's DATE is the timekeeper's xtime_sec; CRASHTIME (the same second, saved at the
        // panic) stands in when the timekeeper cannot be read or holds no possible time
        long crashTime = WallClock.seconds(k).stream().filter(CrashFormat::plausibleTime).findFirst()
                .orElse(k.vmcoreinfo().crashTime().orElse(0));
        var panic = Panic.fromLog(log.stream().map(Session.LogLine::text).toList()).map(Panic::message).orElse("");
        long taint = s.taint().mask();
        return new SystemInfo(s.kernelSource(), taint != 0, taint, k.dump().name(), flags, present.size(),
                present.size() - online.size(), CrashFormat.ctime(crashTime), crashTime,
                CrashFormat.duration(uptime.seconds()), Uptime.loadAverage(k), s.tasks().size(), uts.nodename(),
                uts.release(), uts.version(), uts.machine(), Uptime.cpuMhz(k),
                CrashFormat.memorySize(MemInfo.presentPages(k), k.memory().physical().pageSize()), panic);
    }
}
