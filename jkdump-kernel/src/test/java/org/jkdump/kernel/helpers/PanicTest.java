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

    /**
     * A kernel stack overflow (the drill's --crash stack on 6.1, its dump's log): the double
     * fault's die() went to crash_kexec() with no panic line, and "stack guard page" is none of
     * crash's strings (crash 8.0.6's sys says PANIC: ""). sys keeps that; triage takes die()'s header.
     */
    @Test
    void stackOverflowHasNoCrashPanicStringButItsDieHeaderServesTriage() {
        var log = List.of("jkdrill: crashing the kernel with \"stack\" as the drill asked",
                "BUG: TASK stack guard page was hit at (____ptrval____) (stack is (____ptrval____)..(____ptrval____))",
                "stack guard page: 0000 [#1] PREEMPT SMP NOPTI",
                "CPU: 0 PID: 200 Comm: dd Kdump: loaded Tainted: G           OE      6.1.0-56-amd64 #1  Debian 6.1.192-2",
                "RIP: 0010:drill_recurse+0x2d/0x90 [jkdrill]", "Call Trace:", " <TASK>", " drill_recurse+0x50/0x90 [jkdrill]",
                " drill_recurse+0x50/0x90 [jkdrill]", " </TASK>");
        assertThat(Panic.fromLog(log)).isEmpty();
        var p = Panic.fromLogOrDie(log).orElseThrow();
        assertThat(p.message()).isEqualTo("stack guard page: 0000 [#1] PREEMPT SMP NOPTI");
        assertThat(p.oopsLine()).hasValueSatisfying(l -> assertThat(l).startsWith("BUG: TASK stack guard page was hit"));
        assertThat(p.function()).contains("drill_recurse [jkdrill]");
        assertThat(p.pid()).hasValue(200);
        assertThat(Panic.fromLogOrDie(messages("kdump-sysrq"))).isEqualTo(Panic.fromLog(messages("kdump-sysrq")));
        assertThat(Panic.fromLogOrDie(List.of("Linux version 6.1", "Freeing unused kernel memory"))).isEmpty();
    }

    /**
     * panic_on_warn (the drill's --crash warn on 6.1, its dump's log): the WARNING is the report,
     * 37 lines above the panic line; an unrelated BUG line long before it is not.
     */
    @Test
    void panicOnWarnTakesItsWarningAsTheReportNotAnEarlierBug() {
        var log = new java.util.ArrayList<>(List.of("BUG: workqueue lockup - pool cpus=0 node=0 flags=0x0 nice=0 stuck for 33s!",
                "jkdrill: crashing the kernel with \"warn\" as the drill asked", "------------[ cut here ]------------",
                "jkdrill: warning requested by jkdump drill",
                "WARNING: CPU: 1 PID: 200 at /var/cache/jkdump/drill/20261127-002710-6.1.0-56-amd64-warn/guest-src/jkdrill.c:103 drill_crash+0x1db/0x1eb [jkdrill]",
                "Modules linked in: jkdrill(OE) crc32c_generic ext4 crc16 mbcache jbd2",
                "CPU: 1 PID: 200 Comm: dd Kdump: loaded Tainted: G           OE      6.1.0-56-amd64 #1  Debian 6.1.192-2",
                "RIP: 0010:drill_crash+0x1db/0x1eb [jkdrill]"));
        for (int i = 0; i < 30; i++) log.add("R10: 0000000000000003 R11: ffffffffbb4d4448 R12: 000000001ba5b3f0");
        log.add("Kernel panic - not syncing: kernel: panic_on_warn set ...");
        var p = Panic.fromLog(log).orElseThrow();
        assertThat(p.message()).isEqualTo("Kernel panic - not syncing: kernel: panic_on_warn set ...");
        assertThat(p.oopsLine()).hasValueSatisfying(l -> assertThat(l).startsWith("WARNING: CPU: 1 PID: 200 at "));
        assertThat(p.function()).contains("drill_crash [jkdrill]");
        assertThat(p.pid()).hasValue(200);
    }

    @Test
    void noPanicStringMeansNoPanic() {
        assertThat(Panic.fromLog(List.of("Linux version 6.1", "Freeing unused kernel memory"))).isEmpty();
    }
}
