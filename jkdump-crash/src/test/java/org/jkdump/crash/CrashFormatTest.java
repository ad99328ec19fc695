package org.jkdump.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

class CrashFormatTest {
    @Test
    void pageSizesPrintAsCrashPrintsThemInKmemInfo() {
        // kdump-sysrq crash.txt, kmem -i: PAGES and TOTAL columns
        var kmem = CrashTranscript.of("kdump-sysrq").section("kmem -i").lines();
        int checked = 0;
        for (var line : kmem) {
            var f = line.strip().split("\\s{2,}");
            if (f.length < 3 || !f[1].matches("\\d+")) continue;
            assertThat(CrashFormat.pagesToSize(Long.parseLong(f[1]), 4096)).as(line).isEqualTo(f[2]);
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(10);
        assertThat(List.of(CrashFormat.pagesToSize(180332, 4096), CrashFormat.pagesToSize(166914, 4096),
                CrashFormat.pagesToSize(9, 4096))).containsExactly("704.4 MB", "652 MB", "36 KB");
    }

    /**
     * crash formats with C's printf, which rounds a double's exact value half to even: 832
     * pages (kexecs-full's COMMITTED, 3.25 MB exactly) are "3.2 MB" in its kmem -i.
     */
    @Test
    void decimalsRoundAsCsPrintfRoundsThem() {
        assertThat(CrashFormat.pagesToSize(832, 4096)).isEqualTo("3.2 MB");
        assertThat(CrashFormat.pagesToSize(864, 4096)).isEqualTo("3.4 MB");
        assertThat(List.of(CrashFormat.fixed(0.25, 1), CrashFormat.fixed(0.35, 1), CrashFormat.fixed(0.15, 1), CrashFormat.fixed(2.5, 0),
                CrashFormat.fixed(0.05000000001, 1))).containsExactly("0.2", "0.3", "0.1", "2", "0.1");
    }

    @Test
    void memorySizeRoundsUpToTheGigabyteLikeSys() {
        // 1 GiB guest: node_present_pages 0x3ffda - 0x62 pages; crash's sys says "MEMORY: 1 GB"
        assertThat(CrashFormat.memorySize(0x3ffda - 0x62, 4096)).isEqualTo("1 GB");
        assertThat(CrashFormat.memorySize(0x20000, 4096)).isEqualTo("512 MB");
    }

    @Test
    void durationsAndDates() {
        assertThat(CrashFormat.duration(5)).isEqualTo("00:00:05");
        assertThat(CrashFormat.duration(90061)).isEqualTo("1 days, 01:01:01");
        var tz = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
            // kdump-sysrq VMCOREINFO CRASHTIME=1795715813; crash's sys: DATE: Thu Nov 26 17:56:53 UTC 2026
            assertThat(CrashFormat.ctime(1795715813L)).isEqualTo("Thu Nov 26 17:56:53 UTC 2026");
            assertThat(CrashFormat.ctime(1795715813L - 20 * 86400)).isEqualTo("Fri Nov  6 17:56:53 UTC 2026");
        } finally {
            TimeZone.setDefault(tz);
        }
    }
}
