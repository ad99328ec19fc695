package org.jkdump.kernel.helpers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The hung-task watchdog's reports, as the drill's --crash hung on 6.1 logged them. */
class BlockedTaskTest {
    @Test
    void readsEachBlockedTaskOnceWithItsPidAndTime() {
        var log = List.of("INFO: task dd:200 blocked for more than 2 seconds.",
                "      Tainted: G           OE      6.1.0-56-amd64 #1 Debian 6.1.192-2",
                "\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.",
                "task:dd              state:D stack:0     pid:200   ppid:1      flags:0x00000002",
                "INFO: task kworker/u4:1:37 blocked for more than 122 seconds.",
                "INFO: task dd:200 blocked for more than 4 seconds.",
                "Kernel panic - not syncing: hung_task: blocked tasks");
        assertThat(BlockedTask.fromLog(log)).containsExactly(new BlockedTask("dd", 200, 2), new BlockedTask("kworker/u4:1", 37, 122));
        assertThat(BlockedTask.isHungTaskPanic(log.getLast())).isTrue();
        assertThat(BlockedTask.isHungTaskPanic("Kernel panic - not syncing: softlockup: hung tasks")).isFalse();
        assertThat(BlockedTask.fromLog(List.of("Kernel panic - not syncing: sysrq triggered crash"))).isEmpty();
    }
}
