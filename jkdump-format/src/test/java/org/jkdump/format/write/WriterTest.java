package org.jkdump.format.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jkdump.format.DumpFile;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.ElfDump;
import org.jkdump.format.Fixtures;
import org.jkdump.format.FlattenedDump;
import org.jkdump.format.KdumpDump;
import org.jkdump.format.MappedSource;
import org.jkdump.format.MissingPageException;
import org.jkdump.format.PageCodec;
import org.jkdump.format.PfnBitmap;
import org.jkdump.format.SplitDump;
import org.jkdump.format.Utsname;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WriterTest {
    @TempDir
    Path dir;

    /** Each header version carries only its fields: dump level (1), split (2), VMCOREINFO (3), notes (4), eraseinfo (5), 64-bit pfns (6). */
    @ParameterizedTest(name = "header version {0}, seed 40{0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6})
    void everyHeaderVersionReadsBackWithItsFields(int version) {
        var s = SyntheticDump.of(400 + version, 4096);
        var file = dir.resolve("v" + version);
        s.writeAll(KdumpWriter.create(FileSink.create(file), s.plan(),
                KdumpWriter.Options.of(PageCodec.ZLIB).withHeaderVersion(version).withEraseinfo("erase jiffies 8\n".getBytes())));
        try (var dump = (KdumpDump) DumpFiles.open(file)) {
            assertThat(dump.header().headerVersion()).isEqualTo(version);
            assertThat(dump.subHeader().dumpLevel()).isEqualTo(31);
            assertThat(dump.vmcoreinfo().isPresent()).isEqualTo(version >= 3);
            assertThat(dump.cpuStates()).hasSize(version >= 4 ? 2 : 0);
            assertThat(dump.eraseinfo()).isEqualTo(version >= 5 ? java.util.Optional.of("erase jiffies 8\n") : java.util.Optional.empty());
            assertThat(dump.subHeader().maxMapnr64()).isEqualTo(version >= 6 ? s.plan().maxPfn() : 0);
            assertThat(dump.maxMapnr()).isEqualTo(s.plan().maxPfn());
            byte[] page = new byte[4096];
            dump.memory().presentFrames().forEach(p -> {
                dump.memory().readPage(p, page, 0);
                assertThat(page).isEqualTo(s.page(p));
            });
        }
    }

    /** A writer stopped half-way leaves a dump marked INCOMPLETE whose unwritten pages are lost. */
    @ParameterizedTest(name = "{0}, seed 500")
    @ValueSource(strings = {"kdump", "elf", "flattened"})
    void incompleteDumpKeepsWrittenPagesAndLosesTheRest(String format) throws IOException {
        var s = SyntheticDump.of(500, 4096);
        var file = dir.resolve("incomplete-" + format);
        var plan = s.plan();
        DumpWriter w = switch (format) {
            case "kdump" -> KdumpWriter.create(FileSink.create(file), plan, KdumpWriter.Options.of(PageCodec.LZO));
            case "elf" -> ElfDumpWriter.create(FileSink.create(file), plan, ElfDumpWriter.Options.defaults());
            default -> KdumpWriter.create(new FlattenedWriter(file.toString(), Files.newOutputStream(file)), plan,
                    KdumpWriter.Options.of(PageCodec.SNAPPY));
        };
        long total = plan.keep().cardinality(), half = total / 2;
        var written = new ArrayList<Long>();
        for (long p = w.nextPfn(); written.size() < half; p = w.nextPfn()) {
            w.writePage(p, s.page(p), 0);
            written.add(p);
        }
        long firstLost = w.nextPfn();
        w.close(); // not finished: incomplete
        try (var dump = DumpFiles.open(file)) {
            assertThat(dump.describe().incomplete()).isTrue();
            assertThat(dump.describe().statusFlags()).contains("INCOMPLETE");
            var mem = dump.memory();
            byte[] page = new byte[4096];
            for (long p : written) {
                mem.readPage(p, page, 0);
                assertThat(page).as("pfn 0x%x", p).isEqualTo(s.page(p));
            }
            // ELF segments end on the page the file was cut at; everything after it is lost
            assertThat(mem.isPresent(firstLost)).isFalse();
            assertThat(mem.missingReason(firstLost)).isEqualTo(MissingPageException.Reason.LOST);
            assertThatThrownBy(() -> mem.readPage(firstLost, page, 0))
                    .isInstanceOf(MissingPageException.class)
                    .hasMessage(file + ": physical address 0x" + Long.toHexString(firstLost * 4096) + " is lost: the dump is incomplete");
            assertThat(mem.presentCount()).isEqualTo(half);
            assertThat(mem.presentFrames().toArray()).containsExactly(written.stream().mapToLong(Long::longValue).toArray());
            long lastKept = plan.keep().stream(0, plan.keep().size()).max().orElseThrow();
            assertThat(mem.missingReason(lastKept)).isEqualTo(MissingPageException.Reason.LOST);
        }
    }

    @Test
    void splitPartsWrittenByUsOpenAsOneDump() {
        var s = SyntheticDump.of(600, 4096);
        long max = s.plan().maxPfn();
        long[] cuts = {0, max / 3, 2 * max / 3, max};
        var files = new ArrayList<Path>();
        for (int i = 0; i < 3; i++) {
            var f = dir.resolve("part" + i);
            var w = KdumpWriter.create(FileSink.create(f), s.plan(), KdumpWriter.Options.of(PageCodec.ZSTD).split(cuts[i], cuts[i + 1]));
            s.writeAll(w);
            files.add(f);
        }
        try (var dump = DumpFiles.open(files.reversed().toArray(Path[]::new))) {
            assertThat(dump).isInstanceOf(SplitDump.class);
            var keep = s.plan().keep();
            assertThat(dump.memory().presentFrames().toArray()).isEqualTo(keep.stream(0, keep.size()).toArray());
            byte[] page = new byte[4096];
            dump.memory().presentFrames().forEach(p -> {
                dump.memory().readPage(p, page, 0);
                assertThat(page).isEqualTo(s.page(p));
            });
            assertThat(((SplitDump) dump).parts()).allSatisfy(p -> assertThat(p.header().headerVersion()).isEqualTo(6));
        }
        assertThatThrownBy(() -> DumpFiles.open(files.get(0), files.get(2)))
                .hasMessageContaining("no part holds frames 0x" + Long.toHexString(cuts[1]) + "-0x" + Long.toHexString(cuts[2]));
    }

    @Test
    void rejectsPagesOutOfOrderAndAnEarlyFinish() {
        var s = SyntheticDump.of(700, 512);
        var w = KdumpWriter.create(FileSink.create(dir.resolve("x")), s.plan(), KdumpWriter.Options.of(PageCodec.ZLIB));
        long first = w.nextPfn();
        long second = s.plan().keep().nextSetBit(first + 1);
        assertThatThrownBy(() -> w.writePage(second, new byte[512], 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(String.format("frame 0x%x written out of order: the next kept frame is 0x%x", second, first));
        w.writePage(first, new byte[512], 0);
        assertThatThrownBy(w::finish).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("kept frames not written yet, the next is 0x" + Long.toHexString(second));
        w.close();
    }

    @Test
    void planRejectsKeptFramesOutsideRam() {
        var keep = PfnBitmap.allocate(100);
        keep.set(50);
        var ranges = List.of(new RamRange(0, 40 * 4096L, 0), new RamRange(60 * 4096L, 40 * 4096L, 0));
        assertThatThrownBy(() -> new DumpPlan(4096, ranges, keep, List.of(), Utsname.linux("x", ""), 0, 0, 0))
                .hasMessage("frame 0x32 is kept but is in no RAM range");
    }

    /** More than 65534 runs of kept frames need PN_XNUM: the reader must take the count from section header 0. */
    @Test
    void elfWithMoreThan65534LoadsUsesPnXnum() {
        int frames = 140_000, ps = 512;
        var keep = PfnBitmap.allocate(frames);
        for (int p = 0; p < frames; p += 2) keep.set(p);
        var plan = new DumpPlan(ps, List.of(new RamRange(0, (long) frames * ps, 0)), keep, List.of(
                new org.jkdump.format.ElfNote("VMCOREINFO", 0, "PAGESIZE=512\n".getBytes())), Utsname.linux("x", ""), 0, 0, 0);
        var file = dir.resolve("xnum.elf");
        var w = ElfDumpWriter.create(FileSink.create(file), plan, ElfDumpWriter.Options.defaults());
        byte[] page = new byte[ps];
        for (long p = w.nextPfn(); p >= 0; p = w.nextPfn()) {
            page[0] = (byte) p;
            page[ps - 1] = (byte) (p >> 8);
            w.writePage(p, page, 0);
        }
        w.finish();
        try (var dump = (ElfDump) DumpFiles.open(file)) {
            assertThat(dump.segments()).hasSize(frames / 2);
            assertThat(dump.memory().presentCount()).isEqualTo(frames / 2);
            assertThat(dump.memory().u8(138_000L * ps)).isEqualTo(138_000 & 0xff);
            assertThat(dump.memory().u8(138_000L * ps + ps - 1)).isEqualTo((138_000 >> 8) & 0xff);
            assertThat(dump.memory().missingReason(138_001)).isEqualTo(MissingPageException.Reason.EXCLUDED);
        }
    }

    /** The real kdump-lzo fixture rewritten by our writers (snappy kdump, flattened LZO, ELF) holds the same frames and notes. */
    @Test
    void rewritesTheRealFixtureInEveryFormat() throws IOException {
        try (var original = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-lzo"))) {
            var plan = DumpPlan.copyOf(original);
            var snappy = dir.resolve("vmcore.snappy");
            KdumpWriter.create(FileSink.create(snappy), plan, KdumpWriter.Options.of(PageCodec.SNAPPY)).writeAll(original.memory());
            var flat = dir.resolve("vmcore.flat");
            KdumpWriter.create(new FlattenedWriter(flat.toString(), new java.io.BufferedOutputStream(Files.newOutputStream(flat))),
                    plan, KdumpWriter.Options.of(PageCodec.LZO)).writeAll(original.memory());
            var elf = dir.resolve("vmcore.elf");
            ElfDumpWriter.create(FileSink.create(elf), plan, ElfDumpWriter.Options.defaults()).writeAll(original.memory());
            for (var f : List.of(snappy, flat, elf)) {
                try (DumpFile copy = DumpFiles.open(f)) {
                    assertThat(copy.notes()).isEqualTo(original.notes());
                    assertThat(copy.cpuStates()).isEqualTo(original.cpuStates());
                    long[] frames = original.memory().presentFrames().toArray();
                    assertThat(copy.memory().presentFrames().toArray()).isEqualTo(frames);
                    byte[] a = new byte[4096], b = new byte[4096];
                    for (long p : frames) {
                        original.memory().readPage(p, a, 0);
                        copy.memory().readPage(p, b, 0);
                        assertThat(b).as("%s pfn 0x%x", f, p).isEqualTo(a);
                    }
                }
            }
            try (var copy = (KdumpDump) DumpFiles.open(snappy)) {
                var h = ((KdumpDump) original).header();
                assertThat(copy.header().utsname()).isEqualTo(h.utsname());
                assertThat(copy.header().timestampSeconds()).isEqualTo(h.timestampSeconds());
                assertThat(copy.subHeader().physBase()).isEqualTo(((KdumpDump) original).subHeader().physBase());
                assertThat(copy.ramBitmap().cardinality()).isEqualTo(((KdumpDump) original).ramBitmap().cardinality());
                assertThat(copy.header().announcedCodec()).isEqualTo(PageCodec.SNAPPY);
            }
        }
    }

    /** The flattened writer's records are what makedumpfile -F writes: header block, big-endian (offset, size), end record. */
    @Test
    void flattenedStreamHasMakedumpfileFraming() {
        var out = new ByteArrayOutputStream();
        var w = new FlattenedWriter("stdout", out);
        w.write(0x1000, "abc".getBytes(), 0, 3);
        w.write(0, "KD".getBytes(), 0, 2);
        w.close();
        byte[] b = out.toByteArray();
        assertThat(new String(b, 0, 12, StandardCharsets.ISO_8859_1)).isEqualTo("makedumpfile");
        var bb = java.nio.ByteBuffer.wrap(b);
        assertThat(bb.getLong(16)).isEqualTo(1);
        assertThat(bb.getLong(24)).isEqualTo(1);
        assertThat(bb.getLong(4096)).isEqualTo(0x1000);
        assertThat(bb.getLong(4104)).isEqualTo(3);
        assertThat(b.length).isEqualTo(4096 + 16 + 3 + 16 + 2 + 16);
        assertThat(bb.getLong(b.length - 16)).isEqualTo(-1);
        assertThat(bb.getLong(b.length - 8)).isEqualTo(-1);
        try (var src = org.jkdump.format.FlattenedSource.open(MappedSource.of("stdout", b))) {
            assertThat(new String(src.bytes(0, 2))).isEqualTo("KD");
            assertThat(new String(src.bytes(0x1000, 3))).isEqualTo("abc");
        }
    }
}
