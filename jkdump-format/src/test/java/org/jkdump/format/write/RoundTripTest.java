package org.jkdump.format.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.jkdump.format.DumpFile;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.DumpFormat;
import org.jkdump.format.ElfDump;
import org.jkdump.format.FlattenedDump;
import org.jkdump.format.KdumpDump;
import org.jkdump.format.MissingPageException;
import org.jkdump.format.PageCodec;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every format our writers make, read back by our readers: random page contents from a seed
 * (in the test name, so a failure reruns), tiny and real page sizes, every codec, excluded
 * runs, a RAM range ending mid-page.
 */
class RoundTripTest {
    @TempDir
    Path dir;

    enum Kind { ELF, ELF_QEMU_LAYOUT, KDUMP, DISKDUMP, FLAT_KDUMP, FLAT_ELF }

    static Stream<Arguments> cases() {
        var cases = Stream.<Arguments>builder();
        long seed = 1;
        for (int pageSize : new int[]{512, 4096}) {
            for (var codec : PageCodec.values()) cases.add(Arguments.of(Kind.KDUMP, codec, pageSize, seed++));
            cases.add(Arguments.of(Kind.DISKDUMP, PageCodec.ZLIB, pageSize, seed++));
            cases.add(Arguments.of(Kind.FLAT_KDUMP, PageCodec.LZO, pageSize, seed++));
            cases.add(Arguments.of(Kind.FLAT_KDUMP, PageCodec.ZSTD, pageSize, seed++));
            cases.add(Arguments.of(Kind.ELF, PageCodec.NONE, pageSize, seed++));
            cases.add(Arguments.of(Kind.ELF_QEMU_LAYOUT, PageCodec.NONE, pageSize, seed++));
            cases.add(Arguments.of(Kind.FLAT_ELF, PageCodec.NONE, pageSize, seed++));
        }
        return cases.build();
    }

    static DumpWriter writer(Kind kind, PageCodec codec, DumpSink sink, DumpPlan plan) {
        return switch (kind) {
            case ELF, FLAT_ELF -> ElfDumpWriter.create(sink, plan, ElfDumpWriter.Options.defaults());
            case ELF_QEMU_LAYOUT -> ElfDumpWriter.create(sink, plan, new ElfDumpWriter.Options(true));
            case KDUMP, FLAT_KDUMP -> KdumpWriter.create(sink, plan, KdumpWriter.Options.of(codec));
            case DISKDUMP -> KdumpWriter.create(sink, plan, KdumpWriter.Options.of(codec).diskdump());
        };
    }

    static DumpSink sink(Kind kind, Path file) throws IOException {
        if (kind == Kind.FLAT_KDUMP || kind == Kind.FLAT_ELF) {
            OutputStream out = Files.newOutputStream(file);
            return new FlattenedWriter(file.toString(), new java.io.BufferedOutputStream(out));
        }
        return FileSink.create(file);
    }

    /** What a reader must return for {@code pfn}: an ELF keeps only the RAM bytes of a frame that straddles a range end. */
    static byte[] expected(SyntheticDump s, Kind kind, long pfn) {
        byte[] page = s.page(pfn);
        if (kind == Kind.ELF || kind == Kind.ELF_QEMU_LAYOUT || kind == Kind.FLAT_ELF)
            for (int i = 0; i < page.length; i++) {
                long a = pfn * page.length + i;
                if (s.plan().ranges().stream().noneMatch(r -> a >= r.paddr() && a < r.end())) page[i] = 0;
            }
        return page;
    }

    @ParameterizedTest(name = "{0} {1} page size {2} seed {3}")
    @MethodSource("cases")
    void writtenDumpReadsBackFrameByFrame(Kind kind, PageCodec codec, int pageSize, long seed) throws IOException {
        var s = SyntheticDump.of(seed, pageSize);
        var file = dir.resolve("dump-" + seed);
        s.writeAll(writer(kind, codec, sink(kind, file), s.plan()));

        try (DumpFile dump = DumpFiles.open(file)) {
            assertThat(dump.format()).isEqualTo(switch (kind) {
                case ELF, ELF_QEMU_LAYOUT -> DumpFormat.ELF;
                case KDUMP -> DumpFormat.KDUMP;
                case DISKDUMP -> DumpFormat.DISKDUMP;
                case FLAT_KDUMP, FLAT_ELF -> DumpFormat.FLATTENED;
            });
            var mem = dump.memory();
            assertThat(mem.pageSize()).isEqualTo(pageSize);
            var keep = s.plan().keep();
            assertThat(mem.presentFrames().toArray()).isEqualTo(keep.stream(0, keep.size()).toArray());
            byte[] page = new byte[pageSize];
            for (long pfn = 0; pfn < s.plan().maxPfn() + 2; pfn++) {
                if (keep.get(pfn)) {
                    mem.readPage(pfn, page, 0);
                    assertThat(page).as("seed %d pfn 0x%x", seed, pfn).isEqualTo(expected(s, kind, pfn));
                } else {
                    assertThat(mem.isPresent(pfn)).isFalse();
                    var reason = s.isRam(pfn) ? MissingPageException.Reason.EXCLUDED : MissingPageException.Reason.NOT_IN_DUMP;
                    assertThat(mem.missingReason(pfn)).as("pfn 0x%x", pfn).isEqualTo(reason);
                }
            }
            // a read across two kept frames
            long twin = keep.stream(0, keep.size()).filter(p -> keep.get(p + 1)).findFirst().orElseThrow();
            byte[] across = mem.read(twin * pageSize + pageSize - 5, 10);
            byte[] want = new byte[10];
            System.arraycopy(expected(s, kind, twin), pageSize - 5, want, 0, 5);
            System.arraycopy(expected(s, kind, twin + 1), 0, want, 5, 5);
            assertThat(across).isEqualTo(want);

            if (kind == Kind.DISKDUMP) { // the old diskdump format has no kdump sub-header, hence no notes
                assertThat(dump.notes()).isEmpty();
                assertThat(dump.vmcoreinfo()).isEmpty();
            } else {
                assertThat(dump.notes()).isEqualTo(s.plan().notes());
                assertThat(dump.cpuStates()).hasSize(2);
                assertThat(dump.vmcoreinfo().orElseThrow().get("SEED")).contains(Long.toString(seed));
            }
            var d = dump.describe();
            assertThat(d.incomplete()).isFalse();
            assertThat(d.ranges().stream().mapToLong(r -> r.presentPages()).sum()).isEqualTo(keep.cardinality());

            KdumpDump kd = dump instanceof FlattenedDump f && f.inner() instanceof KdumpDump k ? k
                    : dump instanceof KdumpDump k ? k : null;
            if (kd != null) {
                assertThat(kd.maxMapnr()).isEqualTo(s.plan().maxPfn());
                assertThat(kd.header().announcedCodec()).isEqualTo(codec);
                if (kind != Kind.DISKDUMP) assertThat(kd.subHeader().dumpLevel()).isEqualTo(31);
                assertThat(kd.header().utsname()).isEqualTo(s.plan().utsname());
                // every zero page shares one descriptor; other pages use the codec only when it shrinks them
                long[] zeroOffsets = keep.stream(0, keep.size()).filter(p -> Arrays.equals(s.page(p), new byte[pageSize]))
                        .map(p -> kd.descriptor(p).offset()).distinct().toArray();
                assertThat(zeroOffsets).hasSize(1);
                keep.stream(0, keep.size()).forEach(p -> {
                    var pd = kd.descriptor(p);
                    assertThat(pd.size()).isLessThanOrEqualTo(pageSize);
                    assertThat(pd.flags() == 0 ? pd.size() : -1).isIn(pageSize, -1);
                });
                if (codec != PageCodec.NONE)
                    assertThat(keep.stream(0, keep.size()).anyMatch(p -> kd.descriptor(p).flags() == codec.flag())).isTrue();
            }
            if (dump instanceof ElfDump elf) assertThat(elf.incomplete()).isFalse();
        }
    }
}
