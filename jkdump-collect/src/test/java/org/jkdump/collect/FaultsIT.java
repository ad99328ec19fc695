package org.jkdump.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.ElfDump;
import org.jkdump.format.Fixtures;
import org.jkdump.format.KdumpDump;
import org.jkdump.format.MissingPageException;
import org.jkdump.format.PageCodec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real faults, as root: a full file system (a 16 MiB tmpfs) and the process killed with
 * SIGKILL mid-dump. Neither may leave a file that looks complete.
 */
@Tag("integration")
class FaultsIT {
    @TempDir
    Path tmp;

    private static final PrintWriter QUIET = new PrintWriter(java.io.Writer.nullWriter());

    @Test
    void aFullDiskLeavesAReadableDumpMarkedIncomplete() throws Exception {
        var mnt = Files.createDirectory(tmp.resolve("small"));
        FullDumps.run(List.of("mount", "-t", "tmpfs", "-o", "size=16m", "jkdump-test", mnt.toString()), 60);
        try {
            for (var format : Collector.Format.values()) {
                var out = mnt.resolve("vmcore-" + format);
                try (var in = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-lzo"))) {
                    assertThatThrownBy(() -> new Collector(in, new Collector.Options(List.of(new DumpLevel(31)), PageCodec.LZO, format, 2, 64 << 20), QUIET)
                            .collect(new Collector.Output.ToFile(out)))
                            .isInstanceOf(CollectFailedException.class)
                            .hasMessageContaining("No space left on device")
                            .hasMessageContaining("left marked INCOMPLETE")
                            .satisfies(e -> assertThat(((CollectFailedException) e).noSpace()).isTrue());
                }
                assertThat(out).doesNotExist();
                try (var back = DumpFiles.open(Collector.incompletePath(out))) {
                    assertThat(back instanceof KdumpDump k ? k.incomplete() : ((ElfDump) back).incomplete()).isTrue();
                    assertThat(back.vmcoreinfo()).isPresent();
                    // the pages that made it read back; the rest are reported lost, not zero
                    var mem = back.memory();
                    long read = 0;
                    var page = new byte[4096];
                    for (long p = 0; p < mem.maxPfn() && read < 100; p++)
                        if (mem.isPresent(p)) {
                            mem.readPage(p, page, 0);
                            read++;
                        }
                    assertThat(read).isEqualTo(100);
                }
                Files.delete(Collector.incompletePath(out));
            }
        } finally {
            FullDumps.run(List.of("umount", mnt.toString()), 60);
        }
    }

    @Test
    void aKilledCollectLeavesOnlyAnIncompleteFile() throws Exception {
        var out = tmp.resolve("vmcore");
        var jkdump = Path.of(System.getProperty("jkdump.root", "."), "bin", "jkdump").toAbsolutePath();
        var p = new ProcessBuilder(jkdump.toString(), "collect", "-c", "-d", "0", "--message-level", "0",
                Fixtures.sysrq("vmcore.kdump-lzo").toString(), out.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("log").toFile()).start();
        var partial = Collector.incompletePath(out);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!(Files.exists(partial) && Files.size(partial) > (8 << 20))) {
            assertThat(p.isAlive()).as("collect ended before it could be killed: %s", Files.readString(tmp.resolve("log"))).isTrue();
            assertThat(System.nanoTime()).as("collect wrote nothing within 120 s").isLessThan(deadline);
            Thread.sleep(20);
        }
        p.destroyForcibly().waitFor();
        assertThat(out).doesNotExist();
        try (var back = (KdumpDump) DumpFiles.open(partial)) {
            assertThat(back.incomplete()).isTrue();
            assertThat(back.memory().missingReason(back.maxMapnr() - 1)).isIn(MissingPageException.Reason.LOST,
                    MissingPageException.Reason.NOT_IN_DUMP, MissingPageException.Reason.EXCLUDED);
        }
    }
}
