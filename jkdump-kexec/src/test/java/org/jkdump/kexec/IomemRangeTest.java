package org.jkdump.kexec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.jkdump.format.JkdumpException;
import org.junit.jupiter.api.Test;

class IomemRangeTest {
    private static final String SAMPLE = """
            00000000-00000fff : Reserved
            00001000-0009fbff : System RAM
            00100000-3ffdffff : System RAM
              02a00000-03801fff : Kernel code
              2f000000-3effffff : Crash kernel
            fd000000-fdffffff : 0000:00:02.0
            """;

    @Test
    void parsesNestedRangesWithDepth() {
        var ranges = IomemRange.parse(SAMPLE, "iomem");
        assertThat(ranges).hasSize(6);
        assertThat(ranges.get(4)).isEqualTo(new IomemRange(0x2f000000L, 0x3effffffL, "Crash kernel", 1));
        assertThat(ranges.get(4).size()).isEqualTo(256L << 20);
    }

    @Test
    void reservationSizeComesFromIomemWhenSysfsIsSilent() {
        var r = CrashReservation.of(0, IomemRange.parse(SAMPLE, "iomem"), false);
        assertThat(r.size()).isEqualTo(256L << 20);
        assertThat(r.hidden()).isFalse();
    }

    @Test
    void zeroAddressesMeanTheRangeIsHiddenFromNonRoot() {
        var r = CrashReservation.of(0, List.of(new IomemRange(0, 0, "Crash kernel", 1)), false);
        assertThat(r.hidden()).isTrue();
        assertThat(r.reserved()).isFalse();
    }

    @Test
    void rejectsLineWithoutSeparatorNamingTheLine() {
        assertThatThrownBy(() -> IomemRange.parse("00000000-00000fff : Reserved\ngarbage\n", "/proc/iomem"))
                .isInstanceOf(JkdumpException.class)
                .hasMessage("/proc/iomem: line 2: not 'START-END : NAME': garbage");
    }

    @Test
    void rejectsBadHex() {
        assertThatThrownBy(() -> IomemRange.parse("0000zz00-00000fff : Reserved\n", "/proc/iomem"))
                .hasMessageContaining("line 1: bad hexadecimal address");
    }
}
