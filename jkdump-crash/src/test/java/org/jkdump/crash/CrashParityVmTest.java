package org.jkdump.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jkdump.format.Fixtures;
import org.jkdump.format.VmRuns;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * jkdump's crash commands against crash 8.0.6's, line for line, on every dump ../shared/vm
 * made that crash can read: 6.1 sysrq (kdump-lzo and the raw ELF copy), 5-level paging,
 * BUG() and panic() in a module, 6.12 sysrq (kdump-lzo and the raw ELF copy), and QEMU's own
 * dump-guest-memory files (ELF, kdump-zlib), taken while the guest ran: no panic, the CPU
 * state from QEMU's notes, no CRASHTIME; a 4 GiB guest filled with user memory (bench4g,
 * whose RAM lies on both sides of the PCI hole); and three runs of other kinds: a 6.12 panic()
 * without KASLR captured through kexec_file_load (k612-kexecs: the kernel's own ELF core
 * header, which leaves out the first MiB), a 4-CPU 2 GiB BUG() captured the same way (smp4),
 * and a 6.12 module oops under 5-level paging (k612-la57, whose markerproc's task_struct
 * makedumpfile dropped: both tools call its pid invalid); and a 4-CPU guest booted with
 * maxcpus=2 (maxcpus, kdump-lzo and raw ELF: two CPUs present but never online, their idle
 * tasks on their run queues); and the raw /proc/vmcore of a 6.1 module oops captured through
 * kexec_file_load (kexecs-full); 5-level paging with KASLR (la57-kaslr, and la57-full's raw
 * ELF); a 6.12 guest of 5 GiB on three CPUs, RAM above 4 GiB (k612-5g: crash widens vtop's
 * PHYSICAL column to the memory size's hex digits); a one-CPU 6.12 BUG() and a 6.12 module
 * oops captured through kexec_file_load, both raw ELF copies (k612-smp1, k612-kexecs-full). crash ran with the debug vmlinux
 * (resources crash/vm/NAME-parity.txt, made by make-vm-parity.sh; made again into
 * target/crash-vm when the run on disk is another one); jkdump has the dump alone. jkdump's
 * side is written to target/crash-vm/jkdump/NAME-parity.txt to diff against crash's.
 *
 * <p>Commands: sys, set (which task is the panic task), ps, ps -p of the panic task and of
 * every task, mod, kmem -i, kmem -s, log, p init_uts_ns, task / files / vm / struct / vtop of
 * the panic task, task / files / vm of the drill's markerproc (console.log's
 * {@code JKDUMP: PROCESS markerproc pid=}).
 * What is left out, each for its reason:
 * <ul>
 * <li>sys KERNEL and DUMPFILE: they name the files crash was given (its vmlinux, a path of
 *     ours), not facts of the dump.
 * <li>The wording of an error that ends a command: makedumpfile 1.7.2 drops slab pages of
 *     6.12 kernels (it takes them for free pages), so on the 6.12 kdump-lzo dumps files and
 *     vm reach pages the dump lacks. Both tools print what they read up to there, the same
 *     lines, and then fail; crash names its internal read ({@code type: "fill_dentry_cache"}),
 *     jkdump the structure member. The lines before must be equal and jkdump's must then fail.
 * <li>The tasks crash lost: on k612's kdump-lzo crash cannot read some of the pid xarray's
 *     nodes ("cannot read pid struct from xarray" as it starts) and lists 45 tasks; jkdump
 *     walks the task list and the pid xarray and finds more. There, every ps row and every ps -p
 *     family of crash's must be among jkdump's, and sys's TASKS may be larger; everything else
 *     is compared whole.
 * </ul>
 * k612-oops is not here: crash 8.0.6 cannot open its kdump-lzo at all (the 6.12 xarray node it
 * needs to start is one of the dropped pages: "page excluded ... xa_node shift"); BtVmTest
 * checks that run against the kernel's own printed trace instead.
 *
 * <p>Tagged "vm": runs in the integration phase.
 */
@Tag("vm")
class CrashParityVmTest {
    /** sys lines that name crash's input files rather than the dump's contents. */
    private static final List<String> SYS_FILE_LINES = List.of("KERNEL:", "DUMPFILE:");
    /** crash's complaint as it starts when it could not read all of the pid xarray. */
    private static final String LOST_PIDS = "cannot read pid struct from xarray";

    /** What jkdump printed for a command line: stdout, then stderr (crash's transcript has both). */
    private static List<String> ours(CrashRun r, String command) {
        var o = r.run(command);
        var lines = new ArrayList<>(o.lines());
        // blank lines count too: crash's task follows an invalid pid with one
        if (!o.err().isEmpty()) lines.addAll(List.of(o.err().replaceFirst("\n$", "").split("\n", -1)));
        return lines;
    }

    private static List<String> withoutFileLines(String command, List<String> lines) {
        if (!command.equals("sys")) return lines;
        return lines.stream().filter(l -> SYS_FILE_LINES.stream().noneMatch(k -> l.strip().startsWith(k))).toList();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sysrq2", "sysrq2/vmcore.full.elf", "la57", "bug", "panic", "k612", "k612-full",
            "k612-full/vmcore.full.elf", "qmp", "qmp/qmp/qemu-dump.elf", "qmp/qmp/qemu-dump.kdump-zlib", "bench4g", "k612-kexecs", "smp4", "k612-la57", "maxcpus", "maxcpus/vmcore.full.elf", "kexecs-full/vmcore.full.elf", "la57-kaslr", "k612-5g", "la57-full/vmcore.full.elf", "k612-smp1/vmcore.full.elf", "k612-kexecs-full/vmcore.full.elf",
            "k612-la57-bug/vmcore.full.elf", "k612-la57-qmp/qmp/qemu-dump.elf", "k612-la57-qmp/qmp/qemu-dump.kdump-zlib"})
    void commandsPrintWhatCrashPrints(String arg) throws Exception {
        String run = arg.replaceFirst("/.*", ""), file = arg.contains("/") ? arg.replaceFirst("^[^/]*/", "") : VmTranscripts.LZO;
        var dump = VmRuns.dir(run).resolve(file);
        assertThat(dump).isRegularFile();
        var crash = VmTranscripts.of(VmTranscripts.Kind.PARITY, run, file, VmTranscripts.runId(run));
        boolean crashLostTasks = crash.preamble().stream().anyMatch(l -> l.contains(LOST_PIDS));
        var commands = crash.sections().stream().map(CrashTranscript.Section::command).toList();
        var differences = new ArrayList<String>();
        var transcript = new StringBuilder();
        try (var r = new CrashRun(dump)) {
            for (var cmd : commands) {
                var all = ours(r, cmd);
                // the transcript's last section lost its trailing blank lines with the end of the file
                if (cmd.equals(commands.getLast())) while (!all.isEmpty() && all.getLast().isEmpty()) all.removeLast();
                transcript.append("### CMD: ").append(cmd).append('\n');
                all.forEach(l -> transcript.append(l).append('\n'));
                compare(cmd, withoutFileLines(cmd, all), withoutFileLines(cmd, crash.section(cmd).lines()), crashLostTasks)
                        .ifPresent(differences::add);
            }
        }
        var mine = Fixtures.work().resolve("crash-vm/jkdump").resolve(VmTranscripts.name(VmTranscripts.Kind.PARITY, run, file));
        Files.createDirectories(mine.getParent());
        Files.writeString(mine, transcript, StandardCharsets.ISO_8859_1);
        assertThat(differences).as("%s (%s): commands whose output differs from crash's (jkdump's in %s)", arg, crash.comment("PIDS"), mine)
                .isEmpty();
    }

    /** How one command's outputs differ, by the class comment's rules; empty when they agree. */
    private static Optional<String> compare(String cmd, List<String> ours, List<String> crash, boolean crashLostTasks) {
        String name = cmd.split(" ")[0];
        // crash failed part way: the lines before its error, then jkdump's own error
        if (!crash.isEmpty() && crash.getLast().startsWith(name + ": ")) {
            var before = crash.subList(0, crash.size() - 1);
            if (ours.isEmpty() || !ours.getLast().startsWith(name + ": "))
                return Optional.of(String.format("%s: crash failed (%s), jkdump did not; its last line: %s", cmd, crash.getLast(),
                        ours.isEmpty() ? "(none)" : ours.getLast()));
            return firstDifference(cmd, ours.subList(0, ours.size() - 1), before);
        }
        if (crashLostTasks && cmd.equals("ps")) {
            var missing = new ArrayList<>(crash);
            missing.removeAll(new HashSet<>(ours));
            return missing.isEmpty() ? Optional.empty() : Optional.of("ps: rows of crash's missing from jkdump's: " + missing);
        }
        if (crashLostTasks && cmd.equals("ps -p")) {
            var missing = new ArrayList<>(families(crash));
            missing.removeAll(new HashSet<>(families(ours)));
            return missing.isEmpty() ? Optional.empty() : Optional.of("ps -p: families of crash's missing from jkdump's: " + missing);
        }
        if (crashLostTasks && cmd.equals("sys")) {
            var tasks = Pattern.compile("^\\s+TASKS: (\\d+)$");
            var mineCount = ours.stream().map(tasks::matcher).filter(java.util.regex.Matcher::find).map(m -> Integer.parseInt(m.group(1))).findFirst();
            var theirsCount = crash.stream().map(tasks::matcher).filter(java.util.regex.Matcher::find).map(m -> Integer.parseInt(m.group(1))).findFirst();
            if (mineCount.isEmpty() || theirsCount.isEmpty() || mineCount.get() < theirsCount.get())
                return Optional.of("sys TASKS: crash " + theirsCount + ", jkdump " + mineCount);
            return firstDifference(cmd, ours.stream().filter(l -> !tasks.matcher(l).find()).toList(),
                    crash.stream().filter(l -> !tasks.matcher(l).find()).toList());
        }
        return firstDifference(cmd, ours, crash);
    }

    /** ps -p's blocks (a task's line of ancestors), each as its lines joined. */
    private static List<String> families(List<String> lines) {
        return List.of(String.join("\n", lines).split("\n\n"));
    }

    /** The first line where the outputs part, both sides shown with the line number, or empty when equal. */
    private static Optional<String> firstDifference(String cmd, List<String> ours, List<String> crash) {
        int n = Math.min(ours.size(), crash.size());
        for (int i = 0; i < n; i++)
            if (!ours.get(i).equals(crash.get(i)))
                return Optional.of(String.format("%s line %d:%n    crash:  %s%n    jkdump: %s", cmd, i + 1, crash.get(i), ours.get(i)));
        if (ours.size() != crash.size())
            return Optional.of(String.format("%s: crash %d lines, jkdump %d; first extra %s", cmd, crash.size(), ours.size(),
                    ours.size() > crash.size() ? "jkdump: " + ours.get(n) : "crash: " + crash.get(n)));
        return Optional.empty();
    }
}
