package org.jkdump.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.jkdump.format.Fixtures;
import org.jkdump.format.VmRuns;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * jkdump's crash commands against crash 8.0.6's, line for line, on every dump ../shared/vm
 * made that crash can read: 6.1 sysrq (kdump-lzo and the raw ELF copy), 5-level paging,
 * BUG() and panic() in a module, 6.12 sysrq (kdump-lzo and raw ELF), and QEMU's own
 * dump-guest-memory files (ELF, kdump-zlib), taken while the guest ran, with no panic and the
 * CPU state from QEMU's notes. crash ran with the debug vmlinux (resources crash/vm/NAME-parity.txt,
 * made by make-vm-parity.sh; made again into target/crash-vm when the run on disk is another
 * one); jkdump has the dump alone.
 *
 * <p>Commands: sys, set (which task is the panic task), ps, ps -p of the panic task, mod,
 * kmem -i, kmem -s, log, and task / files / vm of the panic task and of the drill's markerproc
 * (console.log's {@code JKDUMP: PROCESS markerproc pid=}), struct of the panic task. Lines left
 * out, each for its reason:
 * <ul>
 * <li>sys KERNEL and DUMPFILE: they name the files crash was given (its vmlinux, a path of
 *     ours), not facts of the dump.
 * </ul>
 * k612-oops is not here: crash 8.0.6 cannot open its kdump-lzo (makedumpfile 1.7.2 dropped
 * the 6.12 xarray node it needs to start: "page excluded ... xa_node shift"); BtVmTest checks
 * that run against the kernel's own printed trace instead.
 *
 * <p>Tagged "vm": runs in the integration phase.
 */
@Tag("vm")
class CrashParityVmTest {
    /** sys lines that name crash's input files rather than the dump's contents. */
    private static final List<String> SYS_FILE_LINES = List.of("KERNEL:", "DUMPFILE:");

    /**
     * "KERNELOFFSET CRASHTIME" of the run on disk, as make-vm-parity.sh reads them from its
     * vmcoreinfo.txt: the first well-formed line of each (run-crash-vm.sh gathers that file
     * from the dump's bytes, so it can hold a torn copy too).
     */
    private static String runId(String run) throws Exception {
        var text = Files.readString(VmRuns.dir(run).resolve("vmcoreinfo.txt"), StandardCharsets.ISO_8859_1);
        return first(text, "^KERNELOFFSET=([0-9a-f]+)$") + " " + first(text, "^CRASHTIME=([0-9]+)$");
    }

    private static String first(String text, String regex) {
        var m = java.util.regex.Pattern.compile(regex, java.util.regex.Pattern.MULTILINE).matcher(text);
        return m.find() ? m.group(1) : "";
    }

    /** The commands of the transcript, in crash's order. */
    private static List<String> commands(CrashTranscript t) {
        return t.sections().stream().map(CrashTranscript.Section::command).toList();
    }

    private static List<String> comparable(String command, List<String> lines) {
        if (!command.equals("sys")) return lines;
        return lines.stream().filter(l -> SYS_FILE_LINES.stream().noneMatch(k -> l.strip().startsWith(k))).toList();
    }

    /** What jkdump printed for a command line: stdout, then stderr (crash's transcript has both). */
    private static List<String> ours(CrashRun r, String command) {
        var o = r.run(command);
        var lines = new ArrayList<>(o.lines());
        if (!o.err().isEmpty()) lines.addAll(List.of(o.err().split("\n")));
        return lines;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sysrq2", "sysrq2/vmcore.full.elf", "la57", "bug", "panic", "k612", "k612-full",
            "k612-full/vmcore.full.elf", "qmp", "qmp/qmp/qemu-dump.elf", "qmp/qmp/qemu-dump.kdump-zlib"})
    void commandsPrintWhatCrashPrints(String arg) throws Exception {
        String run = arg.replaceFirst("/.*", ""), file = arg.contains("/") ? arg.replaceFirst("^[^/]*/", "") : VmTranscripts.LZO;
        var dump = VmRuns.dir(run).resolve(file);
        assertThat(dump).isRegularFile();
        var crash = VmTranscripts.of(VmTranscripts.Kind.PARITY, run, file, runId(run));
        var pids = crash.comment("PIDS");
        var differences = new ArrayList<String>();
        var transcript = new StringBuilder();
        try (var r = new CrashRun(dump)) {
            for (var cmd : commands(crash)) {
                var theirs = comparable(cmd, crash.section(cmd).lines());
                var all = ours(r, cmd);
                // the transcript's last section lost its trailing blank lines with the end of the file
                if (cmd.equals(commands(crash).getLast())) while (!all.isEmpty() && all.getLast().isEmpty()) all.removeLast();
                transcript.append("### CMD: ").append(cmd).append('\n');
                all.forEach(l -> transcript.append(l).append('\n'));
                firstDifference(cmd, comparable(cmd, all), theirs).ifPresent(differences::add);
            }
        }
        // jkdump's side in the transcript's format, to diff against crash's when they part
        var mine = Fixtures.work().resolve("crash-vm/jkdump").resolve(VmTranscripts.name(VmTranscripts.Kind.PARITY, run, file));
        Files.createDirectories(mine.getParent());
        Files.writeString(mine, transcript, StandardCharsets.ISO_8859_1);
        assertThat(differences).as("%s (%s): commands whose output differs from crash's (jkdump's in %s)", arg, pids, mine).isEmpty();
    }

    /** The first line where the outputs part, both sides shown with the line number, or empty when equal. */
    private static java.util.Optional<String> firstDifference(String cmd, List<String> ours, List<String> crash) {
        int n = Math.min(ours.size(), crash.size());
        for (int i = 0; i < n; i++)
            if (!ours.get(i).equals(crash.get(i)))
                return java.util.Optional.of(String.format("%s line %d:%n    crash:  %s%n    jkdump: %s", cmd, i + 1, crash.get(i), ours.get(i)));
        if (ours.size() != crash.size())
            return java.util.Optional.of(String.format("%s: crash %d lines, jkdump %d; first extra %s", cmd, crash.size(), ours.size(),
                    ours.size() > crash.size() ? "jkdump: " + ours.get(n) : "crash: " + crash.get(n)));
        return java.util.Optional.empty();
    }
}
