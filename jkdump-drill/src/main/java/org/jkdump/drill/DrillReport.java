package org.jkdump.drill;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.jkdump.format.CpuState;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.Kernel;
import org.jkdump.kernel.helpers.DmesgFormat;
import org.jkdump.kernel.helpers.Printk;

/**
 * What the drill found, from the dump it brought back: the dump's facts (as {@code jkdump
 * info} shows them), the crashed kernel's log tail and panic line, the processes the drill
 * started with what the dump shows of them, the capture's status line, the initramfs sizes
 * and the time of each phase. {@code jkdump analyze} replaces the dump part when it lands.
 */
public record DrillReport(Path runDir, Path dump, long dumpBytes, String format, String release, String crashTime,
                          List<String> cpus, String crashType, List<String> crashLines, List<String> logTail, Optional<String> panicLine, String logSource,
                          List<GuestProcess> processes, String captureStatus, long captureInitramfsBytes,
                          long captureUnpackedBytes, List<Phase> phases, double totalSeconds) {

    /** A process the drill's /init started, and what the dump shows of it. */
    public record GuestProcess(String name, int pid, String args, String inDump) {
    }

    /** Log lines that say how the kernel died (sysrq, oops, BUG, the faulting RIP, the panic). */
    private static final Pattern CRASH_LINE = Pattern.compile(
            "sysrq: Trigger a crash|BUG: |Oops: |kernel BUG at|RIP: 0010:|Kernel panic - not syncing|jkdrill: crashing");
    private static final Pattern PROCESS = Pattern.compile("JKDUMP-DRILL: PROCESS (\\S+) pid=(\\d+)(?: args=(\\S+))?");

    DrillReport withPhases(List<Phase> p, double total) {
        return new DrillReport(runDir, dump, dumpBytes, format, release, crashTime, cpus, crashType, crashLines, logTail, panicLine, logSource,
                processes, captureStatus, captureInitramfsBytes, captureUnpackedBytes, p, total);
    }

    static DrillReport build(DrillOptions options, String release, Path runDir, Path dumps, GuestImages.Built images,
                             GuestConsole console, List<Phase> phases, PrintWriter log) {
        Path vmcore;
        try (var s = Files.walk(dumps)) {
            vmcore = s.filter(p -> p.getFileName().toString().equals("vmcore")).findFirst()
                    .orElseThrow(() -> new DrillException("report", "no complete 'vmcore' under " + dumps
                            + " (a vmcore-incomplete means the capture was cut short)", console.tail(20)));
        } catch (IOException e) {
            throw new JkdumpException(dumps + ": cannot list: " + e.getMessage(), e);
        }
        try (var dump = DumpFiles.open(vmcore)) {
            var d = dump.describe();
            var vi = dump.vmcoreinfo();
            String rel = vi.flatMap(v -> v.osRelease()).orElse("(no VMCOREINFO)");
            OptionalLong ct = vi.map(v -> v.crashTime()).orElse(OptionalLong.empty());
            var cpus = new ArrayList<String>();
            for (CpuState c : dump.cpuStates())
                cpus.add(String.format("CPU %d pid %d RIP %016x RSP %016x", c.cpu(), c.pid(), c.registers().rip(), c.registers().rsp()));
            var logLines = DmesgFormat.VMCORE_DMESG.format(Printk.log(Kernel.open(dump)), DmesgFormat.Options.NONE).lines().toList();
            // an oops with panic_on_oops enters the capture kernel before panic() prints its line
            var panic = logLines.stream().filter(l -> l.contains("Kernel panic - not syncing")).reduce((a, b) -> b)
                    .or(() -> logLines.stream().filter(l -> l.contains("BUG: ") || l.contains("Oops: ") || l.contains("kernel BUG at")).findFirst());
            var processes = new ArrayList<GuestProcess>();
            for (String line : console.all()) {
                var m = PROCESS.matcher(line);
                if (!m.find()) continue;
                int pid = Integer.parseInt(m.group(2));
                String inDump = m.group(1).equals("drill-marker")
                        ? findMarker(vmcore, "JKDRILL-MARKER pid=" + pid + "\0")
                        : "not checked (the task list needs jkdump analyze)";
                processes.add(new GuestProcess(m.group(1), pid, m.group(3) == null ? "" : m.group(3), inDump));
            }
            return new DrillReport(runDir, vmcore, Files.size(vmcore), d.format().text(), rel,
                    ct.isPresent() ? Instant.ofEpochSecond(ct.getAsLong()).toString() : "(unknown)", cpus, options.crash(),
                    logLines.stream().filter(l -> CRASH_LINE.matcher(l).find()).toList(),
                    logLines.subList(Math.max(0, logLines.size() - 25), logLines.size()), panic,
                    "the dump's printk buffer, vmcore-dmesg layout",
                    processes, console.find("JKDUMP-CAPTURE:").orElse(""), images.capture().compressedBytes(),
                    images.capture().unpackedBytes(), phases, 0);
        } catch (IOException e) {
            throw new JkdumpException(vmcore + ": cannot read: " + e.getMessage(), e);
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
            return count == 0 ? "marker text NOT found in the dump"
                    : String.format("heap marker found %d times (first at file offset 0x%x)", count, first);
        }
    }

    /** The report as text. */
    public String render() {
        var sb = new StringBuilder();
        sb.append("jkdump drill report\n===================\n");
        sb.append(String.format("%-18s %s%n", "crash:", crashType));
        sb.append(String.format("%-18s %s%n", "kernel:", release));
        sb.append(String.format("%-18s %s (%s, %,d bytes)%n", "dump:", dump, format, dumpBytes));
        sb.append(String.format("%-18s %s%n", "crash time:", crashTime));
        sb.append(String.format("%-18s %s%n", "panic:", panicLine.map(String::strip).orElse("(no panic, Oops or BUG line in the log)")));
        for (String c : cpus) sb.append(String.format("%-18s %s%n", "", c));
        sb.append(String.format("%-18s %s%n", "capture:", captureStatus));
        sb.append(String.format("%-18s %.1f MiB (%.1f MiB unpacked)%n", "capture initramfs:", captureInitramfsBytes / 1048576.0,
                captureUnpackedBytes / 1048576.0));
        sb.append("\nprocesses the drill started:\n");
        for (var p : processes) sb.append(String.format("  %-13s pid %-5d %-6s %s%n", p.name(), p.pid(), p.args(), p.inDump()));
        sb.append("\nhow it crashed (").append(logSource).append("):\n");
        for (String l : crashLines) sb.append("  ").append(l).append('\n');
        sb.append("\nlog tail (").append(logSource).append("):\n");
        for (String l : logTail) sb.append("  ").append(l).append('\n');
        sb.append("\nphases:\n");
        for (var p : phases) sb.append(String.format("  %-44s %7.1f s%n", p.name(), p.seconds()));
        sb.append(String.format("  %-44s %7.1f s%n", "total", totalSeconds));
        sb.append("\nrun directory: ").append(runDir).append(" (console.log, samples/, crash/)\n");
        return sb.toString();
    }
}
