package org.jkdump.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.ElfDump;
import org.jkdump.format.Fixtures;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.MalformedDumpException;
import org.jkdump.format.MappedSource;
import org.jkdump.format.PageCodec;
import org.jkdump.format.PfnBitmap;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.format.write.ByteArraySink;
import org.jkdump.format.write.ElfDumpWriter;
import org.jkdump.format.write.SyntheticDump;
import org.jkdump.kernel.Kernel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector on damaged input, from the damaged-dump campaign (bench/fuzz-inputs.sh):
 * a segment far above the RAM, a struct page layout VMCOREINFO gets wrong, memory reaching
 * beyond what frame bitmaps can hold. Each fails with one message naming the dump, or works,
 * quickly.
 */
class DamagedInputTest {
    private static final PrintWriter QUIET = new PrintWriter(java.io.Writer.nullWriter());

    @TempDir
    Path tmp;

    @Test
    void aHoleBeyondTheRamIsCrossedInOneCallNotOneCallPerCycle() {
        // The campaign moved an ELF PT_LOAD to 1 TiB: 2^15 cycles of 2^17 frames, each of which
        // scanned the whole hole again for the next RAM frame (minutes for one collect).
        try (var dump = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-lzo"))) {
            var mem = dump.memory();
            var real = RamFrames.of(mem);
            long frames = 1L << 28;
            var ram = PfnBitmap.allocate(frames);
            for (long p = real.nextSetBit(0); p >= 0; p = real.nextSetBit(p + 1)) ram.set(p);
            ram.set(frames - 1);  // one frame at the top, whose struct page the dump does not hold
            var keep = PfnBitmap.allocate(frames);
            var classifier = PageClassifier.open(Kernel.open(dump), mem.maxPfn());
            int calls = 0;
            for (long from = 0, next; from < frames; from = next, calls++)
                next = classifier.classify(new DumpLevel(31), ram, keep, from, Math.min(frames, from + Collector.CYCLE), new ExcludedPages());
            long cyclesOfRam = (real.size() + Collector.CYCLE - 1) / Collector.CYCLE;
            assertThat(calls).isLessThanOrEqualTo((int) cyclesOfRam + 3);
            assertThat(classifier.unreadableFrames()).isEqualTo(1);
        }
    }

    static VmcoreInfo info(String text) {
        return VmcoreInfo.parse(text.getBytes(StandardCharsets.ISO_8859_1), "vmcore", 0x1000);
    }

    @Test
    void structPageSizesAndOffsetsFromVmcoreinfoAreChecked() {
        String rest = "OFFSET(page.flags)=0\nOFFSET(page.mapping)=24\nNUMBER(PG_lru)=4\nNUMBER(PG_private)=13\n";
        // SIZE(page)=0 read chunks of nothing; a huge one allocated chunks of gigabytes
        assertThat(catchThrowable(() -> StructPageLayout.of(info("SIZE(page)=0\n" + rest))))
                .isInstanceOf(MalformedDumpException.class)
                .hasMessage("vmcore: offset 0x100b: VMCOREINFO SIZE(page)=0 is not a plausible struct page size (16 to 1024)");
        assertThat(catchThrowable(() -> StructPageLayout.of(info("SIZE(page)=64\n" + rest.replace("mapping)=24", "mapping)=60")))))
                .isInstanceOf(MalformedDumpException.class)
                .hasMessageStartingWith("vmcore: offset 0x1038: VMCOREINFO OFFSET(page.mapping)=60 does not fit a 8-byte member inside the 64-byte");
        assertThat(catchThrowable(() -> StructPageLayout.of(info("SIZE(page)=64\n"))))
                .isInstanceOf(MalformedDumpException.class)
                .hasMessageStartingWith("vmcore: offset 0x1000: VMCOREINFO has no OFFSET(page.flags): struct page cannot be read");
    }

    @Test
    void memoryReachingBeyondWhatItsBitmapsCanHoldIsRefusedBeforeAllocating() {
        var s = SyntheticDump.of(3, 4096);
        var sink = new ByteArraySink();
        s.writeAll(ElfDumpWriter.create(sink, s.plan(), ElfDumpWriter.Options.defaults()));
        byte[] elf = sink.toByteArray();
        var bb = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = bb.getLong(32);
        int phnum = bb.getShort(56);
        // the last PT_LOAD moved to 2^50: 2^38 frames, 96 GiB of frame bitmaps
        bb.putLong((int) (phoff + 56L * (phnum - 1) + 24), 1L << 50);
        try (var in = ElfDump.open(MappedSource.of("big.elf", elf))) {
            var t = catchThrowable(() -> new Collector(in, new Collector.Options(List.of(new DumpLevel(0)), PageCodec.LZO,
                    Collector.Format.KDUMP, 1, 64L << 20), QUIET).collect(new Collector.Output.ToFile(tmp.resolve("out"))));
            assertThat(t).isInstanceOf(JkdumpException.class).hasMessageStartingWith("big.elf: its memory reaches physical address 0x")
                    .hasMessageContaining("the frame bitmaps would take");
        }
    }
}
