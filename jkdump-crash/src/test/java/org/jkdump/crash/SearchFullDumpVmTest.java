package org.jkdump.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jkdump.format.Fixtures;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code search} on a dump that kept user pages: the raw {@code cp /proc/vmcore} ELF of a
 * ../shared/vm sysrq run (remade when missing, as {@link AnalyzeSignatureVmTest} does). The
 * guest's console.log says where markerproc put JKDUMP-MARKER (its pid, heap and mmap
 * addresses); {@code set PID; search -u -c JKDUMP-MARKER} must find those copies and the one
 * on its stack, as crash did on the fixture's own run (crash.full-elf.txt: 16 page-apart heap
 * copies and one more, the mmap, the stack). vm and files of markerproc on that dump have the
 * areas and paths crash showed. Tagged "vm": Maven runs it in {@code verify}.
 */
@Tag("vm")
class SearchFullDumpVmTest {
    private static final Path RUN = Path.of("/var/cache/jkdump-vm/runs/sysrq2");
    private static final Path RUN_VM = Path.of("/work/shared/vm/run-crash-vm.sh");
    private static final Pattern MARKERPROC = Pattern.compile("markerproc: pid=(\\d+) heap=0x([0-9a-f]+) mmap=0x([0-9a-f]+)");

    private static Path fullElf() throws IOException, InterruptedException {
        var elf = RUN.resolve("vmcore.full.elf");
        if (Files.isRegularFile(elf)) return elf;
        var cmd = List.of(RUN_VM.toString(), "--crash", "sysrq", "--pcp-high-fraction", "1000000", "--out", RUN.toString());
        var log = Files.createTempFile("jkdump-vm-sysrq2", ".log");
        var p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(45, TimeUnit.MINUTES);
        if (!done) p.destroyForcibly();
        assertThat(elf).as("%s made no %s (log %s)", String.join(" ", cmd), elf, log).isRegularFile();
        return elf;
    }

    @Test
    void searchFindsTheMarkerInHeapMmapAndStackLikeCrash() throws Exception {
        var elf = fullElf();
        var m = MARKERPROC.matcher(Files.readString(RUN.resolve("console.log")));
        assertThat(m.find()).as("console.log names markerproc's pid and addresses").isTrue();
        int pid = Integer.parseInt(m.group(1));
        long heap = Long.parseUnsignedLong(m.group(2), 16), mmap = Long.parseUnsignedLong(m.group(3), 16);
        var crash = CrashTranscript.parse(Fixtures.file("kdump-sysrq", "crash.full-elf.txt"), Fixtures.text("kdump-sysrq", "crash.full-elf.txt"));
        var theirs = crash.section("search -u -c JKDUMP-MARKER").lines();

        try (var shell = new CrashRun(elf)) {
            shell.ok("set " + pid);
            var hits = shell.ok("search -u -c JKDUMP-MARKER");
            assertThat(hits).hasSameSizeAs(theirs);
            var addresses = hits.stream().map(l -> Long.parseUnsignedLong(l.substring(0, l.indexOf(':')), 16)).toList();
            // the heap copies, a page apart from where markerproc said, as crash's
            for (int i = 0; i < 16; i++) {
                assertThat(addresses.get(i)).isEqualTo(heap + 0x1000L * i);
                assertThat(hits.get(i).substring(hits.get(i).indexOf(": "))).isEqualTo(theirs.get(i).substring(theirs.get(i).indexOf(": ")));
            }
            assertThat(hits).anySatisfy(l -> assertThat(l).isEqualTo(Long.toHexString(mmap) + ": JKDUMP-MARKER-MMAP pid=" + pid + ".............................."));
            var vm = shell.ok("vm " + pid);
            var stack = vm.stream().filter(l -> l.matches("[0-9a-f]{16} +[0-9a-f]+ +[0-9a-f]+ 100173 ")).findFirst().orElseThrow().trim().split("\\s+");
            long stackStart = Long.parseUnsignedLong(stack[1], 16), stackEnd = Long.parseUnsignedLong(stack[2], 16);
            assertThat(addresses.getLast()).isBetween(stackStart, stackEnd - 1);
            assertThat(hits.getLast()).contains(": JKDUMP-MARKER pid=" + pid + " heap-copy");

            // vm and files: the areas' flags and files, and the open files' types and paths, as crash showed for its run
            assertThat(columns(vm.stream().skip(4).toList())).isEqualTo(columns(crash.section("vm 143").lines().stream().skip(4).toList()));
            var files = shell.ok("files " + pid);
            assertThat(fileColumns(files)).isEqualTo(fileColumns(crash.section("files 143").lines()));
        }
    }

    /** Each area's FLAGS and FILE (addresses differ from run to run). */
    private static List<String> columns(List<String> lines) {
        var out = new ArrayList<String>();
        for (var l : lines) {
            var f = l.trim().split("\\s+", 5);
            out.add(f[3] + " " + (f.length > 4 ? f[4] : ""));
        }
        return out;
    }

    /** Each open file's FD, TYPE and PATH. */
    private static List<String> fileColumns(List<String> lines) {
        return lines.stream().filter(l -> l.matches("\\s*\\d+ [0-9a-f]{16} .*")).map(l -> {
            var f = l.trim().split("\\s+");
            return f[0] + " " + f[4] + " " + f[5];
        }).toList();
    }
}
