package org.jkdump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.Fixtures;
import org.jkdump.format.KdumpDump;
import org.jkdump.format.PageCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jkdump collect} end to end on kdump-sysrq: options, report, exit codes. */
class CollectCommandTest {
    @TempDir
    Path tmp;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void writesAKdumpFileWithTheCodecAskedForAndPrintsMakedumpfilesReport() {
        var out = tmp.resolve("vmcore");
        var r = run("collect", "-z", "-d", "31", "--num-threads", "2", Fixtures.sysrq("vmcore.kdump-lzo").toString(), out.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).contains("Free pages              : 0x").contains("The dumpfile is saved to " + out);
        try (var d = (KdumpDump) DumpFiles.open(out)) {
            assertThat(d.descriptor(d.dumpableBitmap().nextSetBit(0x1000)).flags() & PageCodec.ZSTD.flag()).isNotZero();
        }
    }

    @Test
    void messageLevelZeroPrintsNothing() {
        var r = run("collect", "-l", "--message-level", "0", Fixtures.sysrq("vmcore.kdump-lzo").toString(), tmp.resolve("o").toString());
        assertThat(r.status()).isZero();
        assertThat(r.err()).isEmpty();
    }

    @Test
    void dumpDmesgWritesWhatMakedumpfileWrites() throws Exception {
        var out = tmp.resolve("dmesg.txt");
        var r = run("collect", "--dump-dmesg", Fixtures.sysrq("vmcore.kdump-zlib").toString(), out.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(Files.readString(out)).isEqualTo(Fixtures.text("kdump-sysrq", "dmesg.makedumpfile.txt"));
    }

    @Test
    void rejectsADumpLevelAbove31AsAUsageError() {
        // a wrong option value, like picocli's own "'x' is not an int": exit status 2
        var r = run("collect", "-d", "32", Fixtures.sysrq("vmcore.kdump-lzo").toString(), tmp.resolve("o").toString());
        assertThat(r.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("jkdump: dump level 32 is not between 0 and 31");
        assertThat(tmp.resolve("o")).doesNotExist();
    }

    @Test
    void rejectsTwoCodecs() {
        var r = run("collect", "-c", "-l", Fixtures.sysrq("vmcore.kdump-lzo").toString(), tmp.resolve("o").toString());
        assertThat(r.status()).isEqualTo(Main.EXIT_USAGE);
    }

    @Test
    void namesTheInputThatIsNotADump() throws Exception {
        var bogus = Files.writeString(tmp.resolve("bogus"), "not a dump at all");
        var r = run("collect", "-l", bogus.toString(), tmp.resolve("o").toString());
        assertThat(r.status()).isEqualTo(Main.EXIT_FAILED);
        assertThat(r.err()).contains(bogus.toString()).contains("not a crash dump");
    }
}
