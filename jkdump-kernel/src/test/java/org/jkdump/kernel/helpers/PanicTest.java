package org.jkdump.kernel.helpers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jkdump.format.Fixtures;
import org.junit.jupiter.api.Test;

/** Panic found in the reference dmesg of each fixture (makedumpfile --dump-dmesg), with the timestamps cut off. */
class PanicTest {
    static List<String> messages(String dir) {
        return Fixtures.text(dir, "dmesg.makedumpfile.txt").lines().map(l -> l.replaceFirst("^\\[[ 0-9.]+\\] ", "")).toList();
    }

    @Test
    void sysrqPanicNamesTheSysrqHandler() {
        var p = Panic.fromLog(messages("kdump-sysrq")).orElseThrow();
        assertThat(p.message()).isEqualTo("Kernel panic - not syncing: sysrq triggered crash");
        assertThat(p.oopsLine()).isEmpty();
        assertThat(p.function()).contains("sysrq_handle_crash");
        assertThat(p.cpu()).hasValue(1);
        assertThat(p.pid()).hasValue(1);
        assertThat(p.comm()).contains("init");
        assertThat(p.callTrace()).startsWith("dump_stack_lvl", "panic", "sysrq_handle_crash");
    }

    @Test
    void moduleOopsNamesTheFaultingFunctionAndModule() {
        var p = Panic.fromLog(messages("kdump-oops-module")).orElseThrow();
        // crash's sys: PANIC: "Oops: 0002 [#1] PREEMPT SMP NOPTI"
        assertThat(p.message()).isEqualTo("Oops: 0002 [#1] PREEMPT SMP NOPTI");
        assertThat(p.oopsLine()).contains("BUG: kernel NULL pointer dereference, address: 0000000000000000");
        assertThat(p.function()).contains("jk_write [jkcrash]");
        assertThat(p.cpu()).hasValue(0);
    }

    /** 6.12's report line, as the k612 run of ../shared/vm printed it: the uid sits between CPU and PID. */
    @Test
    void reportLineWithUidOf612NamesCpuAndTask() {
        var p = Panic.fromLog(List.of("sysrq: Trigger a crash", "Kernel panic - not syncing: sysrq triggered crash",
                "CPU: 1 UID: 0 PID: 1 Comm: init Kdump: loaded Not tainted 6.12.117+deb12-amd64 #1  Debian 6.12.117-1~deb12u1",
                "Call Trace:", " <TASK>", " panic+0x344/0x3a0", " ? _printk+0x64/0x80", " sysrq_handle_crash+0x1a/0x20", " </TASK>")).orElseThrow();
        assertThat(p.cpu()).hasValue(1);
        assertThat(p.pid()).hasValue(1);
        assertThat(p.comm()).contains("init");
        assertThat(p.function()).contains("sysrq_handle_crash");
    }

    @Test
    void noPanicStringMeansNoPanic() {
        assertThat(Panic.fromLog(List.of("Linux version 6.1", "Freeing unused kernel memory"))).isEmpty();
    }
}
