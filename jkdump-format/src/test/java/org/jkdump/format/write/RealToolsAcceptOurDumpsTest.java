package org.jkdump.format.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.Fixtures;
import org.jkdump.format.KdumpDump;
import org.jkdump.format.PageCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What our writers make must be what the standard tools read. The sysrq fixture's lzo file,
 * rewritten by us, is given to Debian's makedumpfile (1.7.2: LZO, no snappy or zstd), whose
 * {@code --dump-dmesg} must print the log it printed from the raw /proc/vmcore; and rewritten
 * with zlib, it is the very file makedumpfile -c wrote.
 */
class RealToolsAcceptOurDumpsTest {
    @TempDir
    Path dir;

    static Path makedumpfile() {
        for (var d : List.of("/usr/bin", "/usr/sbin", "/sbin", "/bin")) {
            var p = Path.of(d, "makedumpfile");
            if (Files.isExecutable(p)) return p;
        }
        throw new IllegalStateException("makedumpfile is not installed: apt-get install makedumpfile (the tests compare with it)");
    }

    static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        var log = dir.resolve("cmd.log");
        var p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", String.join(" ", cmd)).isTrue();
        var out = Files.readString(log);
        assertThat(p.exitValue()).as("%s exit status; output:%n%s", String.join(" ", cmd), out).isZero();
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"kdump-none", "kdump-zlib", "kdump-lzo", "elf", "flattened, restored by makedumpfile -R"})
    void makedumpfilePrintsTheSameLogFromOurRewrite(String kind) throws Exception {
        var out = dir.resolve("vmcore");
        try (var original = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-lzo"))) {
            var plan = DumpPlan.copyOf(original);
            DumpWriter w = switch (kind) {
                case "kdump-none" -> KdumpWriter.create(FileSink.create(out), plan, KdumpWriter.Options.of(PageCodec.NONE));
                case "kdump-zlib" -> KdumpWriter.create(FileSink.create(out), plan, KdumpWriter.Options.of(PageCodec.ZLIB));
                case "kdump-lzo" -> KdumpWriter.create(FileSink.create(out), plan, KdumpWriter.Options.of(PageCodec.LZO));
                case "elf" -> ElfDumpWriter.create(FileSink.create(out), plan, ElfDumpWriter.Options.defaults());
                default -> KdumpWriter.create(new FlattenedWriter("stdout",
                        new java.io.BufferedOutputStream(Files.newOutputStream(dir.resolve("vmcore.flat")))), plan,
                        KdumpWriter.Options.of(PageCodec.LZO));
            };
            w.writeAll(original.memory());
        }
        if (kind.startsWith("flattened"))
            run(dir, "sh", "-c", makedumpfile() + " -R " + out + " < " + dir.resolve("vmcore.flat"));
        var dmesg = dir.resolve("dmesg.txt");
        run(dir, makedumpfile().toString(), "--dump-dmesg", out.toString(), dmesg.toString());
        assertThat(Files.readString(dmesg)).isEqualTo(Fixtures.text("kdump-sysrq", "dmesg.makedumpfile.txt"));
    }

    /**
     * zlib at level 1 over the same pages, the same layout and the same headers: our rewrite of
     * the lzo fixture is makedumpfile -c's file byte for byte (with the JDK's zlib; another zlib
     * build would change only the compressed page bytes, past the descriptor table).
     */
    @Test
    void zlibRewriteOfTheLzoFixtureIsMakedumpfilesZlibFile() throws IOException {
        var out = dir.resolve("vmcore.kdump-zlib");
        long descriptors;
        try (var original = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-lzo"))) {
            KdumpWriter.create(FileSink.create(out), DumpPlan.copyOf(original), KdumpWriter.Options.of(PageCodec.ZLIB))
                    .writeAll(original.memory());
            descriptors = ((KdumpDump) original).header().descriptorOffset();
        }
        byte[] ours = Files.readAllBytes(out), theirs = Files.readAllBytes(Fixtures.sysrq("vmcore.kdump-zlib"));
        // The sub-header's status and the layout up to the descriptors do not depend on zlib at all.
        assertThat(java.util.Arrays.copyOf(ours, (int) descriptors)).isEqualTo(java.util.Arrays.copyOf(theirs, (int) descriptors));
        int first = java.util.Arrays.mismatch(ours, theirs);
        assertThat(first).as("first differing byte (descriptor table starts at 0x%x)", descriptors).isEqualTo(-1);
    }
}
