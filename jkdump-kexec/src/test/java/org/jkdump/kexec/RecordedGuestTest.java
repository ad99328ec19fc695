package org.jkdump.kexec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** /proc and /sys files recorded in a drill guest (src/test/resources/guest-6.1, see its README). */
class RecordedGuestTest {
    private static final Path GUEST = Path.of("src/test/resources/guest-6.1");

    private static String read(String name) throws IOException {
        return Files.readString(GUEST.resolve(name));
    }

    @Test
    void findsTheCrashKernelRangeOfA256MReservation() throws IOException {
        var ranges = IomemRange.parse(read("proc-iomem.txt"), "proc-iomem.txt");
        var r = CrashReservation.of(Long.parseLong(read("kexec_crash_size.txt").strip()), ranges, false);
        assertThat(r.range()).hasValueSatisfying(range -> {
            assertThat(range.start()).isEqualTo(0x2e000000L);
            assertThat(range.size()).isEqualTo(256L << 20).isEqualTo(r.size());
            assertThat(range.depth()).isEqualTo(1);
        });
        assertThat(ranges).anySatisfy(x -> assertThat(x.name()).isEqualTo("Kernel code"));
    }

    @Test
    void capturesCommandLineOfTheDrillGuest() throws IOException {
        assertThat(CaptureCommandLine.build(read("proc-cmdline.txt"), "panic=5"))
                .isEqualTo("console=ttyS0,115200 panic=5 jk.crash=sysrq irqpoll nr_cpus=1 reset_devices panic=5");
    }
}
