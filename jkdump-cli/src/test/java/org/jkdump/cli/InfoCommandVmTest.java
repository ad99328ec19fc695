package org.jkdump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.util.regex.Pattern;
import org.jkdump.format.VmRuns;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code jkdump info} on QEMU's own dumps: their physical ranges reach the BIOS ROM below
 * 4 GiB whatever the guest's memory, so the memory size must come from the kernel (its nodes'
 * present pages, as crash's sys counts), not from the span of the addresses; and their CPU
 * notes name no task.
 */
@Tag("vm")
class InfoCommandVmTest {
    @ParameterizedTest
    @ValueSource(strings = {"qemu-dump.elf", "qemu-dump.kdump-zlib"})
    void memorySizeOfAQemuDumpIsTheGuestsMemory(String file) throws Exception {
        var run = VmRuns.dir("qmp");
        var mem = Pattern.compile("\\bmem=(\\d+)G\\b").matcher(Files.readString(run.resolve("run-info.txt")));
        assertThat(mem.find()).as("run-info.txt names the guest's memory").isTrue();
        var r = CliRun.of("info", "--json", run.resolve("qmp").resolve(file).toString());
        assertThat(r.status()).as(r.err()).isZero();
        var info = new ObjectMapper().readTree(r.out());
        assertThat(info.get("memorySize").asText()).isEqualTo(mem.group(1) + " GB");
    }

    /**
     * QEMU writes its vCPU's number + 1 where the kernel's NT_PRSTATUS has the pid of the task
     * the CPU ran (run k612-la57-qmp: "pid 1" for a CPU 0 in swapper/0's idle loop, as crash's
     * set shows): info names no task for those notes, and the kernel's own notes keep theirs.
     */
    @ParameterizedTest
    @ValueSource(strings = {"qmp/qemu-dump.elf", "qmp/qemu-dump.kdump-zlib", "vmcore.kdump-lzo"})
    void cpuLinesNameTheTaskOnlyWhereTheNoteDoes(String file) throws Exception {
        var r = CliRun.of("info", "--json", VmRuns.dir("k612-la57-qmp").resolve(file).toString());
        assertThat(r.status()).as(r.err()).isZero();
        var cpus = new ObjectMapper().readTree(r.out()).get("cpus");
        assertThat(cpus).isNotEmpty();
        for (var c : cpus) {
            if (file.startsWith("qmp/")) assertThat(c.get("pid").isNull()).as("%s", c).isTrue();
            else assertThat(c.get("pid").isInt()).as("%s", c).isTrue();
        }
        var text = CliRun.of("info", VmRuns.dir("k612-la57-qmp").resolve(file).toString());
        assertThat(text.out()).containsPattern(file.startsWith("qmp/") ? "(?m)^  CPU 0   pid -       RIP " : "(?m)^  CPU \\d+ +pid \\d+ +RIP ");
    }
}
