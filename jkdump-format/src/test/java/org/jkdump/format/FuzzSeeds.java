package org.jkdump.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.jkdump.format.write.ByteArraySink;
import org.jkdump.format.write.DumpPlan;
import org.jkdump.format.write.DumpWriter;
import org.jkdump.format.write.ElfDumpWriter;
import org.jkdump.format.write.FlattenedWriter;
import org.jkdump.format.write.KdumpWriter;
import org.jkdump.format.write.RamRange;

/**
 * Makes the seed corpus of {@link DumpParsersFuzzTest}: the real fixtures' first blocks
 * (headers, sub-header, notes) and tiny complete dumps from our writers (512-byte pages, 24
 * frames) in every format and codec, so that mutations reach the page readers too. Rerun it
 * when a format changes (after {@code mvn -pl jkdump-format test-compile}, from jkdump-format/):
 * {@code java -Djkdump.fixtures=../../shared/fixtures -Djkdump.root=.. -cp
 * target/test-classes:target/classes:<aircompressor and xz jars> org.jkdump.format.FuzzSeeds
 * src/test/resources}; its output is committed under
 * {@code src/test/resources/org/jkdump/format/DumpParsersFuzzTestInputs}.
 */
public final class FuzzSeeds {
    private FuzzSeeds() {
    }

    static DumpPlan tinyPlan() {
        int ps = 512;
        var keep = PfnBitmap.allocate(24);
        for (int p : new int[]{1, 2, 3, 5, 8, 13, 20, 21}) keep.set(p);
        var notes = List.of(new ElfNote("CORE", ElfNote.NT_PRSTATUS, new byte[CpuState.PRSTATUS_SIZE]),
                new ElfNote("VMCOREINFO", 0, "OSRELEASE=6.1.0-fuzz\nPAGESIZE=512\n".getBytes()));
        return new DumpPlan(ps, List.of(new RamRange(ps, 10L * ps, 0), new RamRange(12L * ps, 12L * ps - 100, 0)), keep, notes,
                Utsname.linux("6.1.0-fuzz", "#1"), 1, 2, 31);
    }

    static byte[] page(long pfn) {
        var b = new byte[512];
        if (pfn % 3 == 0) return b; // zero pages
        for (int i = 0; i < b.length; i++) b[i] = (byte) (pfn % 2 == 0 ? i % 7 : (i * 31 + pfn * 17) % 251);
        return b;
    }

    static void fill(DumpWriter w) {
        for (long p = w.nextPfn(); p >= 0; p = w.nextPfn()) w.writePage(p, page(p), 0);
        w.finish();
    }

    static byte[] kdump(KdumpWriter.Options o) {
        var sink = new ByteArraySink();
        fill(KdumpWriter.create(sink, tinyPlan(), o));
        return sink.toByteArray();
    }

    public static void main(String[] args) throws IOException {
        var root = Path.of(args[0], "org/jkdump/format/DumpParsersFuzzTestInputs");
        var kd = root.resolve("kdumpFile");
        var el = root.resolve("elfFile");
        var fl = root.resolve("flattenedStream");
        for (var d : List.of(kd, el, fl)) Files.createDirectories(d);

        for (var c : PageCodec.values()) Files.write(kd.resolve("tiny-" + c.text()), kdump(KdumpWriter.Options.of(c)));
        Files.write(kd.resolve("tiny-diskdump"), kdump(KdumpWriter.Options.of(PageCodec.ZLIB).diskdump()));
        Files.write(kd.resolve("tiny-v3-split"), kdump(KdumpWriter.Options.of(PageCodec.LZO).withHeaderVersion(3).split(0, 12)));
        var incomplete = new ByteArraySink();
        var w = KdumpWriter.create(incomplete, tinyPlan(), KdumpWriter.Options.of(PageCodec.ZLIB));
        w.writePage(w.nextPfn(), page(1), 0);
        w.finishIncomplete();
        Files.write(kd.resolve("tiny-incomplete"), incomplete.toByteArray());
        // makedumpfile's own header, sub-header and notes (the bitmaps would follow)
        var zlib = Files.readAllBytes(Fixtures.sysrq("vmcore.kdump-zlib"));
        Files.write(kd.resolve("sysrq-kdump-zlib-head"), Arrays.copyOf(zlib, 3 * 4096));

        var elf = new ByteArraySink();
        fill(ElfDumpWriter.create(elf, tinyPlan(), ElfDumpWriter.Options.defaults()));
        Files.write(el.resolve("tiny"), elf.toByteArray());
        var qemu = new ByteArraySink();
        fill(ElfDumpWriter.create(qemu, tinyPlan(), new ElfDumpWriter.Options(true)));
        Files.write(el.resolve("tiny-qemu-layout"), qemu.toByteArray());
        var real = Files.readAllBytes(Fixtures.sysrqElf());
        Files.write(el.resolve("sysrq-elf-head"), Arrays.copyOf(real, 0x1624)); // program headers and notes

        var out = new ByteArrayOutputStream();
        fill(KdumpWriter.create(new FlattenedWriter("seed", out), tinyPlan(), KdumpWriter.Options.of(PageCodec.ZLIB)));
        Files.write(fl.resolve("tiny-kdump"), out.toByteArray());
        out = new ByteArrayOutputStream();
        fill(ElfDumpWriter.create(new FlattenedWriter("seed", out), tinyPlan(), ElfDumpWriter.Options.defaults()));
        Files.write(fl.resolve("tiny-elf"), out.toByteArray());
        // makedumpfile -F's header block and first records (disk_dump_header, sub-header), then the end record
        var flat = Files.readAllBytes(Fixtures.sysrq("vmcore.flat"));
        var head = new ByteArrayOutputStream();
        head.write(flat, 0, 4096);
        int pos = 4096;
        for (int i = 0; i < 3; i++) {
            long size = ByteBuffer.wrap(flat).getLong(pos + 8);
            head.write(flat, pos, (int) (16 + size));
            pos += (int) (16 + size);
        }
        head.writeBytes(ByteBuffer.allocate(16).putLong(-1).putLong(-1).array());
        Files.write(fl.resolve("sysrq-flat-head"), head.toByteArray());
    }
}
