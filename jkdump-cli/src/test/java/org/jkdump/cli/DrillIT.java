package org.jkdump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The end-to-end drill, run the way CI runs it: {@code bin/jkdump drill --yes} with no
 * standard input. Boots QEMU (minutes under TCG), so it runs in the integration-test phase
 * of {@code mvn verify} (bin/test), after the package phase has built the jar it runs.
 */
@Tag("drill")
class DrillIT {
    private static final Path ROOT = Path.of(System.getProperty("jkdump.root", ".."));

    @ParameterizedTest(name = "--crash {0}")
    @CsvSource(delimiter = '|', value = {
            "sysrq|PANIC: +Kernel panic - not syncing: sysrq triggered crash|sysrq: Trigger a crash|",
            "oops|OOPS: +BUG: kernel NULL pointer dereference|IN: +drill_crash \\[jkdrill\\]|",
            "bug|OOPS: +kernel BUG at \\S+/jkdrill.c:\\d+!|IN: +drill_crash \\[jkdrill\\]|",
            "panic|PANIC: +Kernel panic - not syncing: jkdrill: panic requested by jkdump drill|IN: +drill_crash(\\.cold)? \\[jkdrill\\]|",
            // oops_end() kexecs before its panic("Fatal exception in interrupt"): the last line printed is the Oops line.
            // The backtrace runs up the IRQ stack (page fault in the timer callback, softirq, the APIC timer interrupt)
            // and crosses to the interrupted task's stack at the interrupt's exception frame, as crash shows it.
            "irq|PANIC: +Oops: \\d{4} \\[#1\\]|IN: +drill_timer_fn \\[jkdrill\\]|OOPS: +BUG: kernel NULL pointer dereference.*"
                    + "\\[exception RIP: drill_timer_fn\\+\\d+\\].*call_timer_fn at .*run_timer_softirq at .*"
                    + "sysvec_apic_timer_interrupt at \\w+\\n +--- <IRQ stack> ---\\n +#\\d+ \\[\\w+\\] asm_sysvec_apic_timer_interrupt at \\w+\\n"
                    + " +\\[exception RIP: \\w+\\+\\d+\\]",
            // the task whose allocation found no memory (dd writing to /proc/jkdrill) panics in out_of_memory()
            "oom|PANIC: +Kernel panic - not syncing: Out of memory: system-wide panic_on_oom is enabled|TASK: +CPU \\d+, PID \\d+ \"dd\"|"
                    + "COMMAND: \"dd\"\\n.* panic at .* out_of_memory(\\.cold)? at .* __alloc_pages at .* drill_hog at \\w+ \\[jkdrill\\]\\n"
                    + ".* entry_SYSCALL_64_after_hwframe at ",
            // the watchdog's hrtimer panics on the IRQ stack over dd spinning in drill_spin(); IN: names the stuck function
            "lockup|PANIC: +Kernel panic - not syncing: softlockup: hung tasks|TASK: +CPU \\d+, PID \\d+ \"dd\"|"
                    + "IN: +drill_spin \\[jkdrill\\]\\n.*L soft lockup occurred.*COMMAND: \"dd\"\\n.* panic at .* watchdog_timer_fn(\\.cold)? at "
                    + ".* hrtimer_interrupt at .*sysvec_apic_timer_interrupt at \\w+\\n +--- <IRQ stack> ---\\n"
                    + " +#\\d+ \\[\\w+\\] asm_sysvec_apic_timer_interrupt at \\w+\\n +\\[exception RIP: drill_spin\\+\\d+\\].* drill_crash at \\w+ \\[jkdrill\\]\\n",
            // a kernel stack overflow: the double fault's die() kexecs with no panic line, and "stack guard page" is none of
            // crash's panic strings; bt crosses from the #DF stack to the task stack, whose saved RSP is in the guard page
            "stack|PANIC: +stack guard page: \\d{4} \\[#1\\]|IN: +drill_recurse \\[jkdrill\\]|OOPS: +BUG: TASK stack guard page was hit.*"
                    + " handle_stack_overflow at .* asm_exc_double_fault at \\w+\\n +\\[exception RIP: drill_recurse\\+\\d+\\].*\\n"
                    + " +--- <DOUBLEFAULT exception stack> ---\\n +#\\d+ \\[\\w+\\] drill_recurse at \\w+ \\[jkdrill\\]\\n.*"
                    + " drill_crash at \\w+ \\[jkdrill\\]\\n.* entry_SYSCALL_64_after_hwframe at ",
            // panic_on_warn: the WARNING is the report, and the function it names the place
            "warn|PANIC: +Kernel panic - not syncing: kernel: panic_on_warn set|IN: +drill_crash \\[jkdrill\\]|"
                    + "OOPS: +WARNING: CPU: \\d+ PID: \\d+ at \\S+/jkdrill.c:\\d+ drill_crash.* check_panic_on_warn(\\.cold)? at .* __warn at "
                    + ".* asm_exc_invalid_op at \\w+\\n +\\[exception RIP: drill_crash\\+\\d+\\].*SIGNATURE: +\\w+  \\[WARNING: CPU: N PID: N at jkdrill.c:\\d+ ",
            // khungtaskd panics; the report is about the task it found blocked (dd in drill_hang), and so is the signature
            // (\x7c: the signature's '|', which would end the column here)
            "hung|PANIC: +Kernel panic - not syncing: hung_task: blocked tasks|IN: +drill_hang \\[jkdrill\\]|"
                    + "BLOCKED: +PID \\d+ \"dd\", blocked for more than \\d+ seconds\\n.* schedule at \\w+\\n.* drill_hang at \\w+ \\[jkdrill\\]\\n"
                    + ".*SIGNATURE: +\\w+  \\[Kernel panic - not syncing: hung_task: blocked tasks \\x7c drill_hang \\[jkdrill\\] < drill_crash \\[jkdrill\\]",
            // QEMU's NMI button: the panic runs on the NMI stack over whatever the CPU was doing; nmi_panic.cold's call to
            // panic() returns to the next function's first byte, which crash shows no frame for, and neither does bt
            "nmi|PANIC: +Kernel panic - not syncing: NMI: Not continuing|TASK: +CPU \\d+, PID \\d+ |"
                    + " panic at \\w+\\n +#\\d+ \\[\\w+\\] unknown_nmi_error(\\.cold)? at \\w+\\n.* exc_nmi at \\w+\\n.* end_repeat_nmi at \\w+\\n"
                    + " +\\[exception RIP: \\w+\\+\\d+\\].*\\n +--- <NMI exception stack> ---\\n",
    })
    void drillReportsThePanicAndTheProcessesItStarted(String crash, String panic, String where, String backtrace) throws Exception {
        String report = drill(crash);
        // jkdump analyze's report of the dump the capture kernel saved
        assertThat(report).containsPattern(panic).containsPattern(where).contains("SIGNATURE:");
        if (backtrace != null) assertThat(report).containsPattern(Pattern.compile(backtrace, Pattern.DOTALL));
        assertThat(report).contains("status=ok").contains("dmesg=ok_");
        // the dump and vmcore-dmesg.txt are where the report says, and the log holds the panic
        var dump = Pattern.compile("DUMP: +(\\S+) \\(").matcher(report);
        assertThat(dump.find()).as("report names the dump:%n%s", report).isTrue();
        assertThat(Path.of(dump.group(1))).isRegularFile();
        var dmesg = Pattern.compile("DMESG: +(\\S+)").matcher(report);
        assertThat(dmesg.find()).isTrue();
        assertThat(Files.readString(Path.of(dmesg.group(1)), StandardCharsets.US_ASCII)).containsPattern(panic.substring(panic.indexOf('+') + 1));
        // the processes the drill's /init started, found by pid in the dump's task list under their own names
        for (String p : List.of("drill-marker +pid (\\d+) +-> comm drill-marker pid \\1 state ",
                "sleep +pid (\\d+) +31337 +-> comm sleep pid \\1 state IN", "sleep +pid (\\d+) +42424 +-> comm sleep pid \\1 state IN")) {
            var m = Pattern.compile(p).matcher(report);
            assertThat(m.find()).as("report shows %s:%n%s", p, report).isTrue();
            assertThat(report).as("user task list has pid %s", m.group(1)).containsPattern("\\n +" + m.group(1) + " +\\d+ [A-Z]{2} +(sleep|drill-marker)\\n");
        }
        // the capture saved a filtered, LZO-compressed dump through jkdump collect (jkdump.conf: -l -d 31)
        assertThat(report).contains("collector=jkdump-collect").containsPattern("DUMP: +\\S+/vmcore \\(kdump[^,]*, ");
        for (String phase : List.of("boot-first-kernel", "arm (jkdump load)", "crash-and-capture-kernel-boot", "capture (jkdump capture)"))
            assertThat(report).containsPattern(Pattern.quote(phase) + " +\\d+\\.\\d s");
    }

    @Test
    void jkdumpCollectSavesTheSamePagesAsMakedumpfileFromTheSameVmcore() throws Exception {
        String report = drill("sysrq", "--compare-makedumpfile");
        assertThat(report).contains("collector=jkdump-collect");
        // the capture JVM mapped the initramfs's AOT cache (trained on the host, with no machine code in it)
        var run = Pattern.compile("run directory: (\\S+)").matcher(report);
        assertThat(run.find()).as("run directory in:%n%s", report).isTrue();
        assertThat(Files.readString(Path.of(run.group(1), "console.log"), StandardCharsets.ISO_8859_1))
                .containsPattern("jkdump capture: running \\d+\\.\\d\\d s after the JVM started \\(classes from the AOT cache\\)");
        // both dumps read back with jkdump's readers, frame by frame: same frames, same bytes
        var pages = Pattern.compile("pages: +the same (\\d+) pages with the same bytes").matcher(report);
        assertThat(pages.find()).as("page comparison in:%n%s", report).isTrue();
        assertThat(Long.parseLong(pages.group(1))).isGreaterThan(10_000);
        assertThat(report).containsPattern("jkdump's dump: +[\\d,]+ bytes, " + pages.group(1) + " pages")
                .containsPattern("makedumpfile's dump: +[\\d,]+ bytes, " + pages.group(1) + " pages");
        // both times, measured by the capture kernel's /init around each process
        assertThat(report).containsPattern("jkdump capture \\(process\\): +\\d+\\.\\d\\d s \\(the dump step alone \\d+\\.\\d\\d s\\)")
                .containsPattern("makedumpfile \\(process\\): +\\d+\\.\\d\\d s");
    }

    /**
     * Issue 8's end-to-end evidence: armed with {@code jkdump load --classic} (kexec_load, our
     * segments, ELF core header and purgatory, which checks their SHA-256), the capture kernel
     * boots and saves a dump from the /proc/vmcore built from our header.
     */
    @Test
    void classicKexecLoadBootsTheCaptureKernelFromOurSegments() throws Exception {
        String report = drill("sysrq", "--classic");
        assertThat(report).containsPattern("PANIC: +Kernel panic - not syncing: sysrq triggered crash").contains("status=ok");
        var run = Pattern.compile("run directory: (\\S+) ").matcher(report);
        assertThat(run.find()).as("report names its run directory:%n%s", report).isTrue();
        String console = Files.readString(Path.of(run.group(1), "console.log"), StandardCharsets.ISO_8859_1).replace("\r", ""); // serial CRLF
        // the guest printed our dry run before loading; the capture kernel then ran with its command line
        var header = Pattern.compile("segment\\[\\d\\] purgatory .*\\n(?:.*\\n)*?command line: .*(elfcorehdr=\\d+K)").matcher(console);
        assertThat(header.find()).as("jkdump load --classic --dry-run listing in the console").isTrue();
        assertThat(console).contains("Command line: ").containsPattern("Command line: .*" + header.group(1));
    }

    /**
     * {@code --target ssh}: the capture kernel brings up QEMU's user network with DHCP and
     * streams the dump with jkdump's ssh client to the private sshd the drill runs on the host;
     * the dump arrives complete in the run directory, and jkdump reads it there.
     */
    @Test
    void sshTargetSavesTheDumpToTheDrillsSshdOnTheHost() throws Exception {
        String report = drill("sysrq", "--target", "ssh");
        assertThat(report).containsPattern("PANIC: +Kernel panic - not syncing: sysrq triggered crash").contains("sysrq: Trigger a crash")
                .contains("SIGNATURE:").contains("status=ok").contains("dmesg=ok_").contains("collector=jkdump-collect");
        var run = Pattern.compile("run directory: (\\S+) ").matcher(report);
        assertThat(run.find()).as("report names its run directory:%n%s", report).isTrue();
        Path runDir = Path.of(run.group(1));
        // the capture kernel wrote to user@10.0.2.2 (the host, seen from QEMU's user network), into RUN/crash
        var status = Pattern.compile("dir=(\\S+)@10\\.0\\.2\\.2:(\\S+) ").matcher(report);
        assertThat(status.find()).as("capture status line names the ssh server:%n%s", report).isTrue();
        Path remoteDir = Path.of(status.group(2));
        assertThat(remoteDir.getParent()).isEqualTo(runDir.resolve("crash"));
        assertThat(report).containsPattern("TARGET: +ssh " + Pattern.quote(status.group(1)) + "@10\\.0\\.2\\.2:\\d+:" + Pattern.quote(runDir.resolve("crash").toString())
                + ", served by the drill's sshd on 127\\.0\\.0\\.1:\\d+");
        // the streamed (flattened) dump, complete: renamed from vmcore-incomplete, as big as the report says, and it opens
        var dump = Pattern.compile("DUMP: +(\\S+) \\(flattened kdump-compressed, ([\\d,]+) bytes\\)").matcher(report);
        assertThat(dump.find()).as("report names the flattened dump:%n%s", report).isTrue();
        Path flat = Path.of(dump.group(1));
        assertThat(flat).isEqualTo(remoteDir.resolve("vmcore.flat")).isRegularFile();
        assertThat(Files.size(flat)).isEqualTo(Long.parseLong(dump.group(2).replace(",", "")));
        try (var files = Files.list(remoteDir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("vmcore.flat", "vmcore-dmesg.txt");
        }
        try (var d = org.jkdump.format.DumpFiles.open(flat)) {
            assertThat(d.describe().format()).isEqualTo(org.jkdump.format.DumpFormat.FLATTENED);
            assertThat(d.memory().presentFrames().count()).isGreaterThan(10_000);
        }
        assertThat(Files.readString(remoteDir.resolve("vmcore-dmesg.txt"), StandardCharsets.US_ASCII))
                .contains("Kernel panic - not syncing: sysrq triggered crash");
        // it came over ssh: the drill's sshd logged the capture kernel's key logging in through slirp (from 127.0.0.1)
        assertThat(Files.readString(runDir.resolve("ssh/sshd.log"))).containsPattern("Accepted publickey for \\S+ from 127\\.0\\.0\\.1 port \\d+ ssh2: ECDSA");
        for (String phase : List.of("crash-and-capture-kernel-boot", "capture-kernel network (udhcpc)", "capture (jkdump capture)"))
            assertThat(report).containsPattern(Pattern.quote(phase) + " +\\d+\\.\\d s");
    }

    /** Runs {@code bin/jkdump drill --yes --crash CRASH [more]} as CI does and returns its report. */
    static String drill(String crash, String... more) throws Exception {
        Path out = Files.createTempFile("drill-" + crash, ".out");
        Path err = Files.createTempFile("drill-" + crash, ".err");
        var cmd = new java.util.ArrayList<>(List.of(ROOT.resolve("bin/jkdump").toString(), "drill", "--yes", "--crash", crash));
        cmd.addAll(List.of(more));
        var p = new ProcessBuilder(cmd).directory(ROOT.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(30, TimeUnit.MINUTES)).as("the drill finished within 30 minutes").isTrue();
        String report = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("exit status; stderr:%n%s", tail(err)).isZero();
        return report;
    }

    private static String tail(Path file) throws IOException {
        var lines = Files.readAllLines(file);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
