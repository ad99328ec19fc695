package org.jkdump.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureTest {
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(console, true);

    @Test
    void savesTheElfAsVmcoreOnlyWhenComplete(@TempDir Path target) throws IOException {
        Path elf = Fixtures.sysrqElf();
        String expectedDmesg = Fixtures.text("kdump-sysrq", "dmesg.vmcore-dmesg.txt");
        var r = new Capture(CaptureConfig.defaults(), new RawVmcoreCopy(), new VmcoreDmesg(), out).run(elf, target);
        assertThat(r.ok()).isTrue();
        assertThat(r.directory().getFileName().toString()).matches(".+-\\d{4}-\\d\\d-\\d\\d-\\d\\d:\\d\\d:\\d\\d");
        Path vmcore = r.directory().resolve("vmcore");
        assertThat(vmcore).exists().hasSameBinaryContentAs(elf);
        assertThat(r.directory().resolve("vmcore-incomplete")).doesNotExist();
        try (var dump = DumpFiles.open(vmcore)) {
            assertThat(dump.vmcoreinfo().flatMap(v -> v.osRelease())).contains("6.1.0-56-amd64");
        }
        assertThat(r.statusLine()).startsWith("JKDUMP-CAPTURE: status=ok dir=" + r.directory())
                .contains(" dump=vmcore bytes=" + Files.size(elf), " collector=raw-elf", " dmesg=ok_" + expectedDmesg.lines().count() + "-lines");
        // vmcore-dmesg's own output on this dump, byte for byte, and no incomplete file left
        assertThat(r.directory().resolve("vmcore-dmesg.txt")).content(java.nio.charset.StandardCharsets.US_ASCII).isEqualTo(expectedDmesg);
        assertThat(r.directory().resolve("vmcore-dmesg-incomplete.txt")).doesNotExist();
    }

    @Test
    void savesAFilteredLzoDumpThroughJkdumpCollectWithTheDefaultFlags(@TempDir Path target) throws IOException {
        Path elf = Fixtures.sysrqElf();
        var r = new Capture(CaptureConfig.defaults(), new JkdumpCollect(), new VmcoreDmesg(), out).run(elf, target);
        assertThat(r.ok()).as("console:%n%s", console).isTrue();
        Path vmcore = r.directory().resolve("vmcore");
        try (var dump = DumpFiles.open(vmcore)) {
            var d = dump.describe();
            assertThat(d.format().text()).containsIgnoringCase("kdump");
            assertThat(d.compression()).containsIgnoringCase("lzo");
            assertThat(d.dumpLevel()).hasValue(31);
            assertThat(d.incomplete()).isFalse();
        }
        assertThat(Files.size(vmcore)).isLessThan(Files.size(elf) / 4).isEqualTo(r.bytes());
        assertThat(r.statusLine()).contains(" collector=jkdump-collect", " dmesg=ok_");
        assertThat(console.toString()).contains("Excluded pages"); // makedumpfile's report, message level 31
    }

    @Test
    void failingCollectorLeavesNothingThatLooksComplete(@TempDir Path target) throws IOException {
        DumpCollector failing = new DumpCollector() {
            @Override
            public long collect(Path vmcore, Path output, List<String> flags, PrintStream c) throws IOException {
                Files.write(output, new byte[4096]);
                throw new IOException("No space left on device");
            }

            @Override
            public long stream(Path vmcore, java.io.OutputStream out, List<String> flags, PrintStream c) {
                throw new AssertionError("a local target is written as a file");
            }

            @Override
            public String streamedName() {
                return "vmcore";
            }

            @Override
            public String name() {
                return "failing";
            }
        };
        Path elf = Fixtures.sysrqElf();
        var r = new Capture(CaptureConfig.defaults(), failing, new VmcoreDmesg(), out).run(elf, target);
        assertThat(r.ok()).isFalse();
        assertThat(r.directory().resolve("vmcore")).doesNotExist();
        assertThat(r.directory().resolve("vmcore-incomplete")).exists();
        assertThat(r.statusLine()).startsWith("JKDUMP-CAPTURE: status=failed").contains("error=IOException:_No_space_left_on_device");
    }

    @Test
    void refusesToRunOutsideACaptureKernel(@TempDir Path target) {
        var r = new Capture(CaptureConfig.defaults(), new RawVmcoreCopy(), new VmcoreDmesg(), out).run(target.resolve("absent"), target);
        assertThat(r.ok()).isFalse();
        assertThat(r.error()).endsWith("absent: absent: this is not a capture kernel (no crashed kernel's memory to save)");
    }

    @Test
    void dmesgFailureStillSavesTheDump(@TempDir Path target) throws IOException {
        DmesgWriter broken = vmcore -> {
            throw new IOException("cannot read prb");
        };
        var r = new Capture(CaptureConfig.defaults(), new RawVmcoreCopy(), broken, out).run(Fixtures.sysrqElf(), target);
        assertThat(r.ok()).isTrue();
        assertThat(r.dmesg()).isEqualTo("failed: cannot read prb");
    }
}
