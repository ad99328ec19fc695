package org.jkdump.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CrashSignatureTest {
    @Test
    void ignoresOffsetsAddressesAndCounters() {
        var a = CrashSignature.of("BUG: kernel NULL pointer dereference, address: 0000000000000000 Oops: 0002 [#1]",
                List.of("jk_write+202 [jkcrash]", "proc_reg_write+0x56/0xa0"));
        var b = CrashSignature.of("BUG: kernel NULL pointer dereference, address: 0000000000000008 Oops: 0002 [#2]",
                List.of("jk_write+0xca/0x100 [jkcrash]", "proc_reg_write+86"));
        assertThat(a.hash()).isEqualTo(b.hash()).hasSize(16);
        assertThat(a.frames()).containsExactly("jk_write [jkcrash]", "proc_reg_write");
    }

    @Test
    void differsForAnotherPanicKindOrFunction() {
        var sysrq = CrashSignature.of("Kernel panic - not syncing: sysrq triggered crash", List.of("sysrq_handle_crash"));
        var bug = CrashSignature.of("kernel BUG at drivers/jkcrash.c:40!", List.of("jk_write [jkcrash]"));
        var otherFn = CrashSignature.of("Kernel panic - not syncing: sysrq triggered crash", List.of("panic"));
        assertThat(sysrq.hash()).isNotEqualTo(bug.hash()).isNotEqualTo(otherFn.hash());
    }

    /** Two runs of the drill's --crash warn: other CPU, pid and build directory, the same bug. */
    @Test
    void aWarningIsTheSameBugOnAnotherCpuTaskAndBuildDirectory() {
        var a = CrashSignature.of("WARNING: CPU: 1 PID: 200 at /var/cache/jkdump/drill/20261127-002710-6.1.0-56-amd64-warn/guest-src/jkdrill.c:103"
                + " drill_crash+0x1db/0x1eb [jkdrill]", List.of("drill_crash+475 [jkdrill]"));
        var b = CrashSignature.of("WARNING: CPU: 0 PID: 213 at /tmp/build/guest-src/jkdrill.c:103 drill_crash+0x1db/0x1eb [jkdrill]",
                List.of("drill_crash+0x1db/0x1eb [jkdrill]"));
        assertThat(a.kind()).isEqualTo("WARNING: CPU: N PID: N at jkdrill.c:103 drill_crash+0x1db/0x1eb [jkdrill]");
        assertThat(a.hash()).isEqualTo(b.hash());
        var otherLine = CrashSignature.of("WARNING: CPU: 0 PID: 213 at /tmp/build/guest-src/jkdrill.c:110 drill_crash+0x1db/0x1eb [jkdrill]",
                List.of("drill_crash+0x1db/0x1eb [jkdrill]"));
        assertThat(otherLine.hash()).isNotEqualTo(a.hash());
    }
}
