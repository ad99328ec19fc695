package org.jkdump.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jkdump.format.Fixtures;
import org.jkdump.format.VmRuns;

/**
 * crash 8.0.6's output on one dump of a ../shared/vm run, in the {@code ### CMD:} format,
 * made by one of the scripts in resources crash/vm ({@link Kind}). Each transcript names its
 * run by the KERNELOFFSET and CRASHTIME it was made from. The stored one (resources crash/vm)
 * is used when it belongs to the run on disk; a run made again since (a fresh machine,
 * another KASLR offset) gets its own: the script runs crash on it into the build tree
 * (target/crash-vm), fetching crash and the debug vmlinux into the VM cache first if need
 * be. When crash cannot be had, the test fails; it never passes without crash's output.
 */
final class VmTranscripts {
    static final String LZO = "vmcore.kdump-lzo";
    private static final Pattern RUN_LINE = Pattern.compile("^### RUN: (\\S+) KERNELOFFSET=(\\S*) CRASHTIME=(\\S*)$", Pattern.MULTILINE);
    /** Downloads of crash and a -dbg package (up to ~1 GB) the first time, then crash itself. */
    private static final Duration MAKE_TIMEOUT = Duration.ofMinutes(45);

    /** Which commands a transcript holds, the script that makes it and the section every good one has. */
    enum Kind {
        /** bt, bt -a, foreach bt, mod, bt -f and bt -a -f (make-vm-bt.sh). */
        BT("bt", "make-vm-bt.sh", List.of("bt", "bt -a", "foreach bt", "mod", "bt -f", "bt -a -f"), "bt"),
        /** sys, set, ps, mod, kmem, log and the per-task commands (make-vm-parity.sh). */
        PARITY("parity", "make-vm-parity.sh", List.of("sys", "set", "ps", "mod", "kmem -i", "log"), "set");

        final String suffix, script, taskSection;
        final List<String> commands;

        Kind(String suffix, String script, List<String> commands, String taskSection) {
            this.suffix = suffix;
            this.script = script;
            this.commands = commands;
            this.taskSection = taskSection;
        }
    }

    private VmTranscripts() {
    }

    /**
     * "KERNELOFFSET CRASHTIME" of the run on disk, as the scripts read them from its
     * vmcoreinfo.txt: the first well-formed line of each (run-crash-vm.sh gathers that file
     * from the dump's bytes, so it can hold a torn copy too). Every dump of a run has this id,
     * QEMU's dumps too, whose VMCOREINFO was saved before the crash and has no CRASHTIME.
     */
    static String runId(String run) throws IOException, InterruptedException {
        var text = Files.readString(VmRuns.dir(run).resolve("vmcoreinfo.txt"), StandardCharsets.ISO_8859_1);
        return first(text, "^KERNELOFFSET=([0-9a-f]+)$") + " " + first(text, "^CRASHTIME=([0-9]+)$");
    }

    private static String first(String text, String regex) {
        var m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        return m.find() ? m.group(1) : "";
    }

    /** The transcript's file name for {@code file} (relative to the run's directory) of {@code run}. */
    static String name(Kind kind, String run, String file) {
        return run + (file.equals(LZO) ? "" : "-" + file.replace('/', '-')) + "-" + kind.suffix + ".txt";
    }

    /** crash's transcript for {@code file} of {@code run}; {@code id} is "KERNELOFFSET CRASHTIME" of the run on disk. */
    static CrashTranscript of(Kind kind, String run, String file, String id) throws IOException, InterruptedException {
        var name = name(kind, run, file);
        var stored = stored(name);
        if (stored.isPresent() && id.equals(transcriptId(stored.get()))) return CrashTranscript.parse(Path.of("crash/vm", name), stored.get());

        var made = Fixtures.work().resolve("crash-vm").resolve(name);
        if (!id.equals(transcriptId(read(made)))) {
            System.err.printf("VmTranscripts: the stored crash/vm/%s is from another %s run than %s (%s): running crash on it into %s%n",
                    name, run, VmRuns.RUNS.resolve(run), id, made);
            VmRuns.locked(() -> {
                if (id.equals(transcriptId(read(made)))) return null; // another test JVM made it meanwhile
                var arg = file.equals(LZO) ? run : run + "/" + file;
                var script = Path.of(System.getProperty("jkdump.root", ".."), "jkdump-crash/src/test/resources/crash/vm", kind.script);
                assertThat(script).as(kind.script).isRegularFile();
                Files.createDirectories(made.getParent());
                VmRuns.run(List.of("bash", script.toString(), "--out", made.getParent().toString(), arg), VmRuns.log("crash-" + name), MAKE_TIMEOUT);
                return null;
            });
        }
        var text = read(made);
        assertThat(transcriptId(text)).as("%s %s wrote %s for the run with KERNELOFFSET, CRASHTIME", kind.script, run, made).isEqualTo(id);
        var transcript = CrashTranscript.parse(made, text);
        // crash that could not read the dump prints its complaint and no task at all
        for (var cmd : kind.commands)
            assertThat(transcript.sections()).as("crash's output in %s:%n%s", made, head(text)).anyMatch(s -> s.command().equals(cmd));
        assertThat(transcript.section(kind.taskSection).text()).as("crash's %s in %s:%n%s", kind.taskSection, made, head(text)).contains("PID: ");
        return transcript;
    }

    private static Optional<String> stored(String name) throws IOException {
        try (var in = VmTranscripts.class.getResourceAsStream("/crash/vm/" + name)) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
        }
    }

    private static String read(Path file) throws IOException {
        return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
    }

    /** "KERNELOFFSET CRASHTIME" of the transcript's RUN line; "" when it has none. */
    private static String transcriptId(String text) {
        var m = RUN_LINE.matcher(text);
        return m.find() ? m.group(2) + " " + m.group(3) : "";
    }

    private static String head(String text) {
        var lines = text.lines().toList();
        return String.join("\n", lines.subList(0, Math.min(lines.size(), 30)));
    }
}
