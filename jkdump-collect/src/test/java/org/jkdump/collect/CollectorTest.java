package org.jkdump.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jkdump.format.DumpFile;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.ElfDump;
import org.jkdump.format.Fixtures;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.KdumpDump;
import org.jkdump.format.PageCodec;
import org.jkdump.format.write.DumpSink;
import org.jkdump.format.write.FileSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The whole collector on kdump-sysrq: every output format reads back page for page. */
class CollectorTest {
    private static final PrintWriter QUIET = new PrintWriter(java.io.Writer.nullWriter());

    @TempDir
    Path tmp;

    private static Collector.Options options(int level, PageCodec codec, Collector.Format format, int threads) {
        return new Collector.Options(List.of(new DumpLevel(level)), codec, format, threads, 64 << 20);
    }

    /** Every page {@code out} holds equals the input's, and it holds every page the input had but the level left out. */
    private static void assertSamePages(DumpFile in, DumpFile out, boolean zeroPagesDropped) {
        var a = in.memory();
        var b = out.memory();
        var pa = new byte[4096];
        var pb = new byte[4096];
        long compared = 0;
        for (long p = 0; p < a.maxPfn(); p++) {
            if (!a.isPresent(p)) {
                assertThat(b.isPresent(p)).as("frame 0x%x is absent from the input but present in the output", p).isFalse();
                continue;
            }
            if (p == 0x9f) continue; // a partial frame: kdump files hold whole frames only
            a.readPage(p, pa, 0);
            if (!b.isPresent(p)) {
                assertThat(zeroPagesDropped && ZeroPage.test(pa, 0, 4096)).as("frame 0x%x lost", p).isTrue();
                continue;
            }
            b.readPage(p, pb, 0);
            assertThat(pb).as("frame 0x%x", p).isEqualTo(pa);
            compared++;
        }
        assertThat(compared).isGreaterThan(15_000);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(PageCodec.class)
    void kdumpOutputReadsBackEveryPageOfTheInput(PageCodec codec) {
        var out = tmp.resolve("out");
        try (var in = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-lzo"))) {
            var report = new Collector(in, options(0, codec, Collector.Format.KDUMP, 2), QUIET).collect(new Collector.Output.ToFile(out));
            assertThat(report.bytesWritten()).isEqualTo(out.toFile().length());
            try (var back = DumpFiles.open(out)) {
                assertThat(((KdumpDump) back).incomplete()).isFalse();
                assertThat(back.vmcoreinfo().orElseThrow().text()).isEqualTo(in.vmcoreinfo().orElseThrow().text());
                assertThat(back.cpuStates()).hasSameSizeAs(in.cpuStates());
                assertSamePages(in, back, false);
            }
        }
        assertThat(Collector.incompletePath(out)).doesNotExist();
    }

    @Test
    void elfOutputLeavesOutZeroPagesAtLevelOneAndReadsBackTheRest() {
        var out = tmp.resolve("out.elf");
        try (var in = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-zlib"))) {
            var report = new Collector(in, options(1, PageCodec.NONE, Collector.Format.ELF, 1), QUIET).collect(new Collector.Output.ToFile(out));
            assertThat(report.excluded().get(PageClass.ZERO)).isEqualTo(0x1779);
            try (var back = DumpFiles.open(out)) {
                assertThat(back).isInstanceOf(ElfDump.class);
                assertSamePages(in, back, true);
            }
        }
    }

    @Test
    void flattenedOutputRebuildsIntoTheSameFileAsADirectWrite() throws Exception {
        var direct = tmp.resolve("direct");
        var rebuilt = tmp.resolve("rebuilt");
        var stream = new ByteArrayOutputStream();
        try (var in = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-lzo"))) {
            new Collector(in, options(31, PageCodec.ZLIB, Collector.Format.KDUMP, 1), QUIET).collect(new Collector.Output.ToFile(direct));
            new Collector(in, options(31, PageCodec.ZLIB, Collector.Format.KDUMP, 1), QUIET)
                    .collect(new Collector.Output.Flattened("stream", stream));
        }
        try (var flat = DumpFiles.open(writeBytes(tmp.resolve("flat"), stream.toByteArray()))) {
            assertThat(flat.memory().presentCount()).isGreaterThan(0);
        }
        Rebuild.fromFlattened(new ByteArrayInputStream(stream.toByteArray()), rebuilt);
        assertThat(Files.mismatch(direct, rebuilt)).isEqualTo(-1);
    }

    @Test
    void outputIsByteIdenticalForAnyThreadCount() throws Exception {
        Path one = tmp.resolve("t1"), four = tmp.resolve("t4");
        try (var in = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-lzo"))) {
            new Collector(in, options(31, PageCodec.ZLIB, Collector.Format.KDUMP, 1), QUIET).collect(new Collector.Output.ToFile(one));
            new Collector(in, options(31, PageCodec.ZLIB, Collector.Format.KDUMP, 4), QUIET).collect(new Collector.Output.ToFile(four));
        }
        assertThat(Files.mismatch(one, four)).isEqualTo(-1);
    }

    @Test
    void lzoOutputIsMakedumpfilesFileByteForByte() throws Exception {
        assertThat(NativeLzo.available()).as("liblzo2.so.2 (installed with makedumpfile)").isTrue();
        var out = tmp.resolve("lzo");
        var theirs = Fixtures.sysrq("vmcore.kdump-lzo");
        try (var in = CollectInput.open(theirs)) {
            new Collector(in, options(31, PageCodec.LZO, Collector.Format.KDUMP, 2), QUIET).collect(new Collector.Output.ToFile(out));
        }
        assertThat(Files.mismatch(out, theirs)).as("first differing byte").isEqualTo(-1);
    }

    @Test
    void zlibOutputIsMakedumpfilesFileByteForByteWhenAskedAndNoLargerByDefault() throws Exception {
        assertThat(NativeDeflate.available()).as("libdeflate.so.0 (package libdeflate0)").isTrue();
        var theirs = Fixtures.sysrq("vmcore.kdump-zlib");
        Path same = tmp.resolve("zlib-bytes"), fast = tmp.resolve("libdeflate");
        try (var in = CollectInput.open(theirs)) {
            new Collector(in, new Collector.Options(List.of(new DumpLevel(31)), PageCodec.ZLIB, Collector.Format.KDUMP, 2, 64 << 20, true),
                    QUIET).collect(new Collector.Output.ToFile(same));
            new Collector(in, options(31, PageCodec.ZLIB, Collector.Format.KDUMP, 2), QUIET).collect(new Collector.Output.ToFile(fast));
        }
        assertThat(Files.mismatch(same, theirs)).as("first byte where --zlib-bytes differs from makedumpfile -c").isEqualTo(-1);
        assertThat(Files.mismatch(fast, theirs)).as("libdeflate's streams are not zlib's").isNotEqualTo(-1);
        assertThat(Files.size(fast)).isLessThanOrEqualTo(Files.size(theirs));
        try (var a = DumpFiles.open(theirs); var b = DumpFiles.open(fast)) {
            assertSamePages(a, b, false);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = PageCodec.class, names = {"LZO", "ZLIB"})
    void mappedElfPagesReadInPlaceGiveTheFileThatCopiedPagesGive(PageCodec codec) throws Exception {
        Path inPlace = tmp.resolve("mapped"), copied = tmp.resolve("copied");
        var elf = Fixtures.sysrqElf();
        try (var in = CollectInput.open(elf)) {
            assertThat(MappedPages.of(in)).isPresent();
            new Collector(in, options(1, codec, Collector.Format.KDUMP, 2), QUIET).collect(new Collector.Output.ToFile(inPlace));
        }
        try (var in = DumpFiles.open(elf)) {
            new Collector(in, options(1, codec, Collector.Format.KDUMP, 2), QUIET).collect(new Collector.Output.ToFile(copied));
        }
        assertThat(Files.mismatch(inPlace, copied)).isEqualTo(-1);
        try (var in = DumpFiles.open(elf); var back = DumpFiles.open(inPlace)) {
            assertSamePages(in, back, true);
        }
    }

    @Test
    void splitFilesOpenAsOneDumpHoldingEveryPage() {
        var parts = List.of(tmp.resolve("d.1"), tmp.resolve("d.2"), tmp.resolve("d.3"));
        try (var in = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-lzo"))) {
            new Collector(in, options(0, PageCodec.LZO, Collector.Format.KDUMP, 2), QUIET).collect(new Collector.Output.Split(parts));
            try (var back = DumpFiles.open(parts.toArray(Path[]::new))) {
                assertSamePages(in, back, false);
            }
        }
    }

    @Test
    void aDeviceAsOutputIsWrittenInPlaceNotReplacedByARenamedFile() {
        var dev = Path.of("/dev/null");
        var opened = new java.util.ArrayList<Path>();
        var written = new long[1];
        java.util.function.Function<Path, DumpSink> sinks = p -> {
            opened.add(p);
            return new DumpSink() {  // records, never touches the file system
                public String name() {
                    return p.toString();
                }

                public void write(long offset, byte[] b, int off, int len) {
                    written[0] += len;
                }

                public void close() {
                }
            };
        };
        try (var in = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-lzo"))) {
            new Collector(in, options(31, PageCodec.LZO, Collector.Format.KDUMP, 2), sinks, QUIET).collect(new Collector.Output.ToFile(dev));
        }
        assertThat(opened).containsExactly(dev);
        assertThat(written[0]).isGreaterThan(20_000_000L);
        assertThat(Files.isRegularFile(dev)).isFalse();
    }

    @Test
    void aWriteErrorMidDumpLeavesAnIncompleteFileMarkedSoAndNamedSo() {
        var out = tmp.resolve("vmcore");
        var failing = failingAfter(4 << 20, "Input/output error");
        try (var in = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-lzo"))) {
            assertThatThrownBy(() -> new Collector(in, options(0, PageCodec.LZO, Collector.Format.KDUMP, 2), failing, QUIET)
                    .collect(new Collector.Output.ToFile(out)))
                    .isInstanceOf(CollectFailedException.class)
                    .hasMessageContaining("vmcore.incomplete: dump cut short after")
                    .hasMessageContaining("left marked INCOMPLETE")
                    .hasMessageContaining("Input/output error");
        }
        assertThat(out).doesNotExist();
        try (var back = (KdumpDump) DumpFiles.open(Collector.incompletePath(out))) {
            assertThat(back.incomplete()).isTrue();
            assertThat(back.vmcoreinfo()).isPresent();
        }
    }

    @Test
    void aLevelListFallsBackToTheNextLevelWhenTheDiskFills() {
        var out = tmp.resolve("vmcore");
        // as ELF, level 0 writes the input's 6009 zero pages too (~97 MB), level 31 drops those in
        // runs of 256 or more (~81 MB)
        var smallDisk = failingAfter(85 << 20, "No space left on device");
        var err = new ByteArrayOutputStream();
        try (var in = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-lzo"))) {
            var report = new Collector(in, new Collector.Options(DumpLevel.parseList("0,31"), PageCodec.NONE, Collector.Format.ELF, 1, 64 << 20),
                    smallDisk, new PrintWriter(err, true)).collect(new Collector.Output.ToFile(out));
            assertThat(report.level().bits()).isEqualTo(31);
        }
        assertThat(err.toString()).contains("No space left on device").contains("retrying with dump level 31");
        assertThat(out).exists();
        assertThat(Collector.incompletePath(out)).doesNotExist();
    }

    @Test
    void rebuildRejectsAStreamCutShort() throws Exception {
        var stream = new ByteArrayOutputStream();
        try (var in = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-lzo"))) {
            new Collector(in, options(31, PageCodec.LZO, Collector.Format.KDUMP, 1), QUIET).collect(new Collector.Output.Flattened("s", stream));
        }
        var cut = java.util.Arrays.copyOf(stream.toByteArray(), stream.size() / 2);
        var out = tmp.resolve("r");
        assertThatThrownBy(() -> Rebuild.fromFlattened(new ByteArrayInputStream(cut), out))
                .isInstanceOf(JkdumpException.class)
                .hasMessageContaining("ends without its end record");
        assertThat(out).doesNotExist();
    }

    /** A file sink that fails like a full or broken disk once {@code limit} bytes lie beyond offset 0. */
    private static java.util.function.Function<Path, DumpSink> failingAfter(long limit, String error) {
        return path -> {
            var inner = FileSink.create(path);
            return new DumpSink() {
                @Override
                public String name() {
                    return inner.name();
                }

                @Override
                public void write(long offset, byte[] b, int off, int len) {
                    if (offset + len > limit)
                        throw new JkdumpException(path + ": cannot write " + len + " bytes at offset 0x" + Long.toHexString(offset) + ": " + error,
                                new java.io.IOException(error));
                    inner.write(offset, b, off, len);
                }

                @Override
                public void close() {
                    inner.close();
                }
            };
        };
    }

    private static Path writeBytes(Path p, byte[] b) throws java.io.IOException {
        Files.write(p, b);
        return p;
    }
}
