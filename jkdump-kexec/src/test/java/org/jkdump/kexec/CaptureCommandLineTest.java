package org.jkdump.kexec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CaptureCommandLineTest {
    @Test
    void reuseDropsBootImageAndCrashkernelAndAddsCaptureOptions() {
        String running = "BOOT_IMAGE=/boot/vmlinuz-6.1.0-56-amd64 root=UUID=1234 ro crashkernel=256M quiet console=ttyS0,115200\n";
        assertThat(CaptureCommandLine.build(running, null))
                .isEqualTo("root=UUID=1234 ro quiet console=ttyS0,115200 irqpoll nr_cpus=1 reset_devices");
    }

    @Test
    void reuseDoesNotRepeatCaptureOptionsAlreadyPresent() {
        assertThat(CaptureCommandLine.build("ro nr_cpus=4 irqpoll maxcpus=2 crashkernel=1G-:256M", null))
                .isEqualTo("ro irqpoll nr_cpus=1 reset_devices");
    }

    @Test
    void appendComesLast() {
        assertThat(CaptureCommandLine.build("root=/dev/vda", "panic=5 jk.mode=capture"))
                .isEqualTo("root=/dev/vda irqpoll nr_cpus=1 reset_devices panic=5 jk.mode=capture");
    }

    @Test
    void withoutReuseOnlyTheAppendedTextIsUsed() {
        assertThat(CaptureCommandLine.build(null, " console=ttyS0 ")).isEqualTo("console=ttyS0");
    }
}
