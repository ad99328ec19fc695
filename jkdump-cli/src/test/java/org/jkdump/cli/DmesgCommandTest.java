package org.jkdump.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jkdump.format.Fixtures;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/** {@code jkdump dmesg} end to end on the fixtures, against the reference tools' output. */
class DmesgCommandTest {
    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    /** Byte equality whose failure shows the first differing line of both sides. */
    private static void assertSameText(String actual, String expected, String what) {
        if (actual.equals(expected)) return;
        var a = actual.split("\n", -1);
        var e = expected.split("\n", -1);
        int i = 0;
        while (i < a.length && i < e.length && a[i].equals(e[i])) i++;
        fail("%s differs at line %d:%n  jkdump:    %s%n  reference: %s", what, i + 1,
                i < a.length ? "\"" + a[i] + "\"" : "<end>", i < e.length ? "\"" + e[i] + "\"" : "<end>");
    }

    static Stream<Arguments> dumps() {
        return Stream.of(Arguments.of("kdump-sysrq", "vmcore.elf"), Arguments.of("kdump-sysrq", "vmcore.kdump-zlib"),
                Arguments.of("kdump-sysrq", "vmcore.kdump-lzo"), Arguments.of("kdump-sysrq", "vmcore.flat"),
                Arguments.of("kdump-oops-module", "vmcore.kdump-lzo"));
    }

    private static String path(String dir, String file) {
        return (file.equals("vmcore.elf") ? Fixtures.sysrqElf() : Fixtures.file(dir, file)).toString();
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("dumps")
    void printsTheLogAsMakedumpfileDoes(String dir, String file) {
        var r = run("dmesg", path(dir, file));

        assertThat(r.status()).as(r.err()).isZero();
        assertSameText(r.out(), Fixtures.text(dir, "dmesg.makedumpfile.txt"), "jkdump dmesg " + file + " vs makedumpfile --dump-dmesg");
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("dumps")
    void printsTheLogAsVmcoreDmesgDoes(String dir, String file) {
        var r = run("dmesg", "--format", "vmcore-dmesg", path(dir, file));

        assertThat(r.status()).as(r.err()).isZero();
        assertSameText(r.out(), Fixtures.text(dir, "dmesg.vmcore-dmesg.txt"), "jkdump dmesg --format vmcore-dmesg " + file + " vs vmcore-dmesg");
    }

    @Test
    void writesAnOutputFileOnlyWhenComplete(@TempDir Path dir) throws Exception {
        var file = dir.resolve("dmesg.txt");

        var r = run("dmesg", "-o", file.toString(), Fixtures.sysrqElf().toString());

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).isEqualTo(Fixtures.text("kdump-sysrq", "dmesg.makedumpfile.txt"));
        assertThat(dir.resolve("dmesg.txt.incomplete")).doesNotExist();
    }

    @Test
    void addsCallerIdsAndDeviceInfoOnRequest() {
        var r = run("dmesg", "--caller-id", "--device-info", Fixtures.sysrqElf().toString());

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("] [      T1] sysrq: Trigger a crash\n");
        assertThat(r.out()).containsPattern("\\] pci 0000:00:0[0-9]\\.0: [^\n]*\n SUBSYSTEM=pci\n DEVICE=\\+pci:0000:00:0[0-9]\\.0\n");
    }

    @Test
    void printsRecordsAsJson() throws Exception {
        var r = run("dmesg", "--json", Fixtures.sysrqElf().toString());

        assertThat(r.status()).as(r.err()).isZero();
        var tree = Json.mapper().readTree(r.out());
        assertThat(tree.get("buffer").asText()).isEqualTo("LOCKLESS_RING");
        var records = tree.get("records");
        // one record per line that starts with a timestamp; continuation lines do not
        long starts = Fixtures.text("kdump-sysrq", "dmesg.vmcore-dmesg.txt").lines()
                .filter(l -> l.matches("^\\[ *\\d+\\.\\d{6}\\] .*")).count();
        assertThat((long) records.size()).isEqualTo(starts);
        assertThat(records.get(0).get("text").asText()).startsWith("Linux version 6.1.0-56-amd64");
        assertThat(records.get(0).get("sequence").asLong()).isZero();
        assertThat(records.get(0).get("caller").asText()).isEqualTo("T0");
    }

    @Test
    void rejectsAnUnknownLayoutAsAUsageError() {
        var r = run("dmesg", "--format", "syslog", Fixtures.sysrqElf().toString());

        assertThat(r.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).startsWith("jkdump: --format must be makedumpfile or vmcore-dmesg, not 'syslog'");
    }

    @Test
    void failsWithOneLineForAFileThatIsNoDump(@TempDir Path dir) throws Exception {
        var notDump = Files.writeString(dir.resolve("notes.txt"), "hello, not a dump\n");

        var r = run("dmesg", notDump.toString());

        assertThat(r.status()).isEqualTo(Main.EXIT_FAILED);
        assertThat(r.err()).isEqualTo("jkdump: " + notDump + ": offset 0x0: not a crash dump: no ELF, KDUMP, DISKDUMP or flattened-format signature (found \"hello, not a dum\")\n");
    }
}
