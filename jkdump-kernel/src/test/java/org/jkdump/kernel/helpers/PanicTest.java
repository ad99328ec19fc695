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

    @Test
    void noPanicStringMeansNoPanic() {
        assertThat(Panic.fromLog(List.of("Linux version 6.1", "Freeing unused kernel memory"))).isEmpty();
    }
}
