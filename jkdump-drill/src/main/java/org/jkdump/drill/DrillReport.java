package org.jkdump.drill;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jkdump.capture.Capture;
import org.jkdump.capture.JkdumpCollect;
import org.jkdump.crash.Analyzer;
import org.jkdump.crash.Session;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.helpers.Tasks;

/**
 * What the drill found, from the dump it brought back: {@code jkdump analyze}'s one-screen
 * report, the log lines that say how the kernel died, the processes the drill's /init started
 * as the dump's task list shows them (the console only says which pids to look for), the
 * capture's status line, the initramfs sizes, the time of each phase and where the dump is.
 *
 * @param target     where the capture saved the dump and how it came back to the host
 * @param analysis   {@code jkdump analyze}'s text report of the dump
 * @param crashLines the dump's log lines that name the crash (sysrq, oops, BUG, RIP, panic)
 * @param userTasks  the dump's user-space tasks (with an mm), as "PID PPID ST COMM"
 */
public record DrillReport(Path runDir, String target, Path dump, long dumpBytes, String format, Optional<Path> dmesgFile, String crashType,
                          String analysis, List<String> crashLines, List<GuestProcess> processes, List<String> userTasks,
                          String captureStatus, long captureInitramfsBytes, long captureUnpackedBytes,
                          List<Phase> phases, double totalSeconds, Optional<MakedumpfileRun.Comparison> makedumpfile) {

    /**
     * A process the drill's /init started (name and pid from its console line) and what the
     * dump shows of it.
     *
     * @param inDump the dump's task of that pid ("comm pid N state S"), or why there is none
     * @param marker for drill-marker: where its heap text is in the dump's bytes
     */
    public record GuestProcess(String name, int pid, String args, String inDump, Optional<String> marker) {
        /** Whether the dump's task list has this pid under the expected command name. */
        public boolean foundInDump() {
            return inDump.startsWith("comm " + name + " ");
        }
    }

    /** Log lines that say how the kernel died (sysrq, oops, BUG, the faulting RIP, the panic). */
    private static final Pattern CRASH_LINE = Pattern.compile(
            "sysrq: Trigger a crash|BUG: |Oops: |kernel BUG at|RIP: 0010:|Kernel panic - not syncing|jkdrill: ");
    private static final Pattern PROCESS = Pattern.compile("JKDUMP-DRILL: PROCESS (\\S+) pid=(\\d+)(?: args=(\\S+))?");

    DrillReport withPhases(List<Phase> p, double total) {
        return new DrillReport(runDir, target, dump, dumpBytes, format, dmesgFile, crashType, analysis, crashLines, processes, userTasks,
                captureStatus, captureInitramfsBytes, captureUnpackedBytes, p, total, makedumpfile);
    }

    DrillReport withComparison(MakedumpfileRun.Comparison c) {
        return new DrillReport(runDir, target, dump, dumpBytes, format, dmesgFile, crashType, analysis, crashLines, processes, userTasks,
                captureStatus, captureInitramfsBytes, captureUnpackedBytes, phases, totalSeconds, Optional.of(c));
    }

    static DrillReport build(DrillOptions options, Path runDir, Path dumps, GuestImages.Built images, GuestConsole console, String target) {
        // a local capture writes the seekable file, an ssh one the flattened stream (JkdumpCollect.streamedName)
        Path vmcore = find(dumps, Capture.COMPLETE).or(() -> find(dumps, new JkdumpCollect().streamedName()))
                .orElseThrow(() -> new DrillException("report", "no complete 'vmcore' or 'vmcore.flat' under " + dumps
                        + " (a vmcore-incomplete means the capture was cut short)", console.tail(20)));
        var dmesg = find(dumps, "vmcore-dmesg.txt");
        try (var session = new Session(DumpFiles.open(vmcore))) {
            String format = session.dump().describe().format().text();
            var sw = new StringWriter();
            try (var pw = new PrintWriter(sw)) {
                Analyzer.analyze(session).renderText(pw);
            }
            var crashLines = session.log().stream().map(Session.LogLine::text).filter(l -> CRASH_LINE.matcher(l).find()).toList();
            var tasks = session.tasks();
            var processes = new ArrayList<GuestProcess>();
            for (String line : console.all()) {
                var m = PROCESS.matcher(line);
                if (!m.find()) continue;
                int pid = Integer.parseInt(m.group(2));
                String inDump = Tasks.byPid(tasks, pid)
                        .map(t -> String.format("comm %s pid %d state %s", t.comm(), t.pid(), Tasks.stateLetters(t.state())))
                        .orElse("pid " + pid + " NOT in the dump's task list");
                // the heap text is only findable in a dump that keeps user pages uncompressed (an ELF of dump level 0)
                Optional<String> marker = !m.group(1).equals("drill-marker") ? Optional.empty()
                        : format.startsWith("ELF") ? Optional.of(findMarker(vmcore, "JKDRILL-MARKER pid=" + pid + "\0"))
                        : Optional.of("heap not searched: " + format + " (user pages left out, the rest compressed)");
                processes.add(new GuestProcess(m.group(1), pid, m.group(3) == null ? "" : m.group(3), inDump, marker));
            }
            var userTasks = tasks.stream().filter(t -> !t.kernelThread())
                    .map(t -> String.format("%5d %5d %-2s %s", t.pid(), t.ppid(), Tasks.stateLetters(t.state()), t.comm())).toList();
            return new DrillReport(runDir, target, vmcore, Files.size(vmcore), format, dmesg, options.crash(), sw.toString(), crashLines,
                    processes, userTasks, console.find("JKDUMP-CAPTURE:").orElse(""), images.capture().compressedBytes(),
                    images.capture().unpackedBytes(), List.of(), 0, Optional.empty());
        } catch (IOException e) {
            throw new JkdumpException(vmcore + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** jkdump's file of that name under {@code dir}; never makedumpfile's (--compare-makedumpfile saves beside it). */
    private static Optional<Path> find(Path dir, String name) {
        Path makedumpfiles = dir.resolve(MakedumpfileRun.DIR);
        try (var s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().equals(name) && !p.startsWith(makedumpfiles)).findFirst();
        } catch (IOException e) {
            throw new JkdumpException(dir + ": cannot list: " + e.getMessage(), e);
        }
    }

    /** Looks for the drill-marker's heap text in the dump's bytes: proof its user pages were saved. */
    static String findMarker(Path file, String text) throws IOException {
        byte[] needle = text.getBytes(StandardCharsets.US_ASCII);
        try (var ch = FileChannel.open(file)) {
            long size = ch.size(), window = 64L << 20;
            int count = 0;
            long first = -1;
            for (long off = 0; off < size; off += window - needle.length) {
                var buf = ch.map(FileChannel.MapMode.READ_ONLY, off, Math.min(window, size - off));
                int limit = buf.limit() - needle.length;
                for (int i = 0; i <= limit; i++) {
                    if (buf.get(i) != needle[0]) continue;
                    int j = 1;
                    while (j < needle.length && buf.get(i + j) == needle[j]) j++;
                    if (j == needle.length) {
                        if (first < 0) first = off + i;
                        count++;
                    }
                }
                if (off + window >= size) break;
            }
            return count == 0 ? "heap marker NOT found in the dump's bytes"
                    : String.format("heap marker found %d times (first at file offset 0x%x)", count, first);
        }
    }

    /** The report as text. */
    public String render() {
        var sb = new StringBuilder();
        sb.append("jkdump drill report: --crash ").append(crashType).append('\n');
        sb.append("=".repeat(40)).append('\n');
        sb.append(String.format("%-10s %s%n", "TARGET:", target));
        sb.append(String.format("%-10s %s (%s, %,d bytes)%n", "DUMP:", dump, format, dumpBytes));
        sb.append(String.format("%-10s %s%n", "DMESG:", dmesgFile.map(Path::toString).orElse("(no vmcore-dmesg.txt saved)")));
        sb.append(String.format("%-10s %s%n", "CAPTURE:", captureStatus));
        sb.append(String.format("%-10s %.1f MiB (%.1f MiB unpacked)%n", "INITRAMFS:", captureInitramfsBytes / 1048576.0,
                captureUnpackedBytes / 1048576.0));
        sb.append("\njkdump analyze:\n");
        analysis.lines().forEach(l -> sb.append("  ").append(l).append('\n'));
        sb.append("\nhow it crashed (the dump's log):\n");
        for (String l : crashLines) sb.append("  ").append(l).append('\n');
        sb.append("\nprocesses the drill started, found in the dump's task list:\n");
        for (var p : processes) {
            sb.append(String.format("  %-13s pid %-5d %-6s -> %s%n", p.name(), p.pid(), p.args(), p.inDump()));
            p.marker().ifPresent(m -> sb.append(String.format("  %-13s %s%n", "", m)));
        }
        sb.append("\nuser tasks in the dump (PID PPID ST COMM):\n");
        for (String t : userTasks) sb.append("  ").append(t).append('\n');
        makedumpfile.ifPresent(c -> {
            sb.append("\njkdump vs makedumpfile -l -d 31, same /proc/vmcore, same capture kernel:\n");
            sb.append(String.format("  %-26s %7.2f s (the dump step alone %.2f s)%n", "jkdump capture (process):", c.jkdumpSeconds(), c.jkdumpCollectSeconds()));
            sb.append(String.format("  %-26s %7.2f s%n", "makedumpfile (process):", c.makedumpfileSeconds()));
            sb.append(String.format("  %-26s %,d bytes, %d pages%n", "jkdump's dump:", c.jkdumpBytes(), c.jkdumpPages()));
            sb.append(String.format("  %-26s %,d bytes, %d pages (%s)%n", "makedumpfile's dump:", c.makedumpfileBytes(), c.makedumpfilePages(), c.makedumpfileDump()));
            sb.append(String.format("  %-26s %s%n", "pages:", c.identical()
                    ? "the same " + c.samePages() + " pages with the same bytes"
                    : c.differingPages() + " pages differ, " + c.samePages() + " the same"));
            for (String d : c.differences()) sb.append("    ").append(d).append('\n');
        });
        sb.append("\nphases:\n");
        for (var p : phases) sb.append(String.format("  %-44s %7.1f s%n", p.name(), p.seconds()));
        sb.append(String.format("  %-44s %7.1f s%n", "total", totalSeconds));
        sb.append("\nrun directory: ").append(runDir).append(" (console.log, samples/, crash/)\n");
        return sb.toString();
    }
}
