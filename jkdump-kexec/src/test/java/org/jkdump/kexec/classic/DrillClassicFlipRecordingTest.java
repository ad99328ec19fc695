package org.jkdump.kexec.classic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The recorded drill in which a byte of the kernel segment was flipped after the purgatory's
 * digest was taken (resources/drill-classic-flip-6.1): the guest armed and crashed as in the
 * control run, and no capture kernel ever started; QEMU sat idle (the purgatory's hlt loop).
 */
class DrillClassicFlipRecordingTest {
    static final String DIR = "/drill-classic-flip-6.1/";

    @Test
    void armedWithTheFlipCrashedAndNeverBootedTheCaptureKernel() {
        String console = DrillClassicRecordingTest.text(DIR, "console.log");
        assertThat(console).contains("Command line: console=ttyS0,115200 crashkernel=256M panic=5 jk.crash=sysrq jk.classic=1 jk.flip=1",
                "(kexec_load)", "JKDUMP-DRILL: ARMED kexec_crash_loaded=1", "Kernel panic - not syncing: sysrq triggered crash");
        assertThat(Pattern.compile("Linux version").matcher(console).results().count()).as("kernel banners").isEqualTo(1);
        assertThat(console.substring(console.indexOf("Kernel panic"))).doesNotContain("JKDUMP-CAPTURE", "Command line:");
        assertThat(DrillClassicRecordingTest.text(DIR, "drill-output.txt"))
                .contains("drill phase 'crash-and-capture-kernel-boot' failed: no progress for --timeout 90 s");
    }

    @Test
    void qemuWasIdleAfterTheCrash() {
        var m = Pattern.compile("(\\d+) CPU ticks in 20 s \\(a busy vCPU thread would use (\\d+)\\)")
                .matcher(DrillClassicRecordingTest.text(DIR, "qemu-cpu-after-crash.txt"));
        assertThat(m.find()).isTrue();
        assertThat(Long.parseLong(m.group(1))).isLessThan(Long.parseLong(m.group(2)) / 100);
    }
}
