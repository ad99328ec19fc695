package org.jkdump.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.KdumpDump;
import org.jkdump.format.PageCodec;
import org.jkdump.format.PfnBitmap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Debian's makedumpfile and jkdump collect on the same fresh full dump (a 6.1 guest's raw
 * /proc/vmcore), level by level: bitmap 1 and bitmap 2 of the two kdump files must be equal
 * bit for bit, and the per-class counts equal to makedumpfile's report; at -d 1 the whole
 * files are equal.
 */
@Tag("vm")
class MakedumpfileBitmapIT {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "-d {0}")
    @ValueSource(ints = {1, 2, 4, 8, 16, 31})
    void keepsExactlyMakedumpfilesFrames(int level) throws Exception {
        var elf = FullDumps.sysrqFullElf();
        var theirs = tmp.resolve("mdf.kdump");
        var log = FullDumps.run(List.of("makedumpfile", "-l", "-d", String.valueOf(level), "--message-level", "31",
                elf.toString(), theirs.toString()), 600);
        var ours = tmp.resolve("jk.kdump");
        CollectReport report;
        try (var in = DumpFiles.open(elf)) {
            report = new Collector(in, new Collector.Options(List.of(new DumpLevel(level)), PageCodec.LZO, Collector.Format.KDUMP, 2, 64 << 20),
                    new PrintWriter(java.io.Writer.nullWriter())).collect(new Collector.Output.ToFile(ours));
        }
        try (var a = (KdumpDump) DumpFiles.open(theirs); var b = (KdumpDump) DumpFiles.open(ours)) {
            assertThat(b.maxMapnr()).isEqualTo(a.maxMapnr());
            assertSameBits("bitmap 1", a.ramBitmap(), b.ramBitmap());
            assertSameBits("bitmap 2", a.dumpableBitmap(), b.dumpableBitmap());
        }
        var expected = MakedumpfileLog.parse(log).excluded();
        assertThat(report.excluded()).isEqualTo(expected);
        assertThat(Files.exists(Collector.incompletePath(ours))).isFalse();
    }

    /**
     * Read in place from the mapped dump, on two threads: with zlib as makedumpfile deflates
     * ({@code --zlib-bytes}; random pages stored raw without deflating them, by proof) and with LZO (the system's liblzo2) the file is
     * makedumpfile's, byte for byte.
     */
    @ParameterizedTest(name = "{0} -d 1")
    @ValueSource(strings = {"-c", "-l"})
    void kdumpFileIsMakedumpfilesByteForByte(String codec) throws Exception {
        var elf = FullDumps.sysrqFullElf();
        var theirs = tmp.resolve("mdf.kdump");
        FullDumps.run(List.of("makedumpfile", codec, "-d", "1", elf.toString(), theirs.toString()), 600);
        var ours = tmp.resolve("jk.kdump");
        try (var in = CollectInput.open(elf)) {
            assertThat(MappedPages.of(in)).isPresent();
            new Collector(in, new Collector.Options(List.of(new DumpLevel(1)), codec.equals("-c") ? PageCodec.ZLIB : PageCodec.LZO,
                    Collector.Format.KDUMP, 2, 64 << 20, true), new PrintWriter(java.io.Writer.nullWriter())).collect(new Collector.Output.ToFile(ours));
        }
        assertThat(Files.size(ours)).isEqualTo(Files.size(theirs));
        assertThat(Files.mismatch(ours, theirs)).as("first differing byte").isEqualTo(-1);
    }

    static void assertSameBits(String what, PfnBitmap a, PfnBitmap b) {
        long n = Math.max(a.size(), b.size());
        long diffs = 0, first = -1;
        for (long p = 0; p < n; p++) {
            boolean x = p < a.size() && a.get(p), y = p < b.size() && b.get(p);
            if (x != y) {
                if (first < 0) first = p;
                diffs++;
            }
        }
        assertThat(diffs).as("%s: %d frames differ, the first is 0x%x (makedumpfile %s, jkdump %s)", what, diffs, first,
                first >= 0 && first < a.size() && a.get(first), first >= 0 && first < b.size() && b.get(first)).isZero();
    }
}
