package org.jkdump.kernel.helpers;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A task the hung-task watchdog (khungtaskd) reported in the log, "INFO: task dd:200 blocked
 * for more than 2 seconds." (kernel/hung_task.c): what a {@code hung_task: blocked tasks}
 * panic is about — khungtaskd only found it.
 *
 * @param comm    the task's command
 * @param pid     its pid
 * @param seconds how long it had been blocked, as the log says
 */
public record BlockedTask(String comm, int pid, long seconds) {
    // comm may hold spaces and colons: the pid is the last ":N" before " blocked"
    private static final Pattern LINE = Pattern.compile("^INFO: task (.+):(\\d+) blocked for more than (\\d+) seconds\\.");

    /** Every blocked task the log reports, in log order, each once. */
    public static List<BlockedTask> fromLog(List<String> lines) {
        var out = new ArrayList<BlockedTask>();
        for (var l : lines) {
            var m = LINE.matcher(l);
            if (!m.find()) continue;
            var t = new BlockedTask(m.group(1), Integer.parseInt(m.group(2)), Long.parseLong(m.group(3)));
            if (out.stream().noneMatch(o -> o.pid() == t.pid())) out.add(t);
        }
        return List.copyOf(out);
    }

    /** Whether {@code panicMessage} is the hung-task watchdog's panic. */
    public static boolean isHungTaskPanic(String panicMessage) {
        return panicMessage.contains("hung_task: blocked tasks");
    }
}
