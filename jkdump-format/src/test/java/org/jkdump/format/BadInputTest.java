package org.jkdump.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.airlift.compress.lzo.LzoCompressor;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import org.assertj.core.api.AbstractThrowableAssert;
import org.jkdump.format.write.ByteArraySink;
import org.jkdump.format.write.ElfDumpWriter;
import org.jkdump.format.write.FlattenedWriter;
import org.jkdump.format.write.KdumpWriter;
import org.jkdump.format.write.SyntheticDump;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged and hostile input: each case fails within a second with one JkdumpException whose
 * message names the file, the offset and what is wrong — never a hang, an OutOfMemoryError
 * or another exception. Dumps are opened and then used fully (describe, notes, every page).
 */
class BadInputTest {
    static final String NAME = "bad.dump";
    static byte[] kdump, elf, flat;
    static KdumpLayout k;

    /** Where things are in the valid kdump file the cases damage. */
    record KdumpLayout(int blockSize, int subBlocks, long bitmapBlocks, long descriptorOffset, long descriptors, long noteOffset,
                       long firstPfn, long lastDataPfn, long lastDataEnd) {
    }

    @BeforeAll
    static void buildValidDumps() {
        var s = SyntheticDump.of(900, 4096);
        var sink = new ByteArraySink();
        s.writeAll(KdumpWriter.create(sink, s.plan(), KdumpWriter.Options.of(PageCodec.ZLIB)));
        kdump = sink.toByteArray();
        var esink = new ByteArraySink();
        s.writeAll(ElfDumpWriter.create(esink, s.plan(), ElfDumpWriter.Options.defaults()));
        elf = esink.toByteArray();
        var out = new java.io.ByteArrayOutputStream();
        s.writeAll(KdumpWriter.create(new FlattenedWriter("flat", out), s.plan(), KdumpWriter.Options.of(PageCodec.LZO)));
        flat = out.toByteArray();
        // Load and warm the readers once, so the one-second limit measures the failure, not class loading.
        use(kdump);
        use(elf);
        use(flat);
        try (var d = KdumpDump.open(MappedSource.of(NAME, kdump))) {
            var h = d.header();
            long[] frames = d.memory().presentFrames().toArray();
            long lastDataPfn = -1, lastDataEnd = 0;
            for (long p : frames) {
                var pd = d.descriptor(p);
                if (pd.offset() + pd.size() >= lastDataEnd) {
                    lastDataEnd = pd.offset() + pd.size();
                    lastDataPfn = p;
                }
            }
            k = new KdumpLayout(h.blockSize(), h.subHeaderBlocks(), h.bitmapBlocks(), h.descriptorOffset(), frames.length,
                    d.subHeader().offsetNote(), frames[0], lastDataPfn, lastDataEnd);
        }
    }

    /** Opens {@code bytes} and uses everything in it. */
    static void use(byte[] bytes) {
        try (var dump = DumpFiles.open(MappedSource.of(NAME, bytes))) {
            dump.describe();
            dump.cpuStates();
            dump.vmcoreinfo();
            var mem = dump.memory();
            byte[] page = new byte[mem.pageSize()];
            mem.presentFrames().forEach(p -> mem.readPage(p, page, 0));
        }
    }

    static AbstractThrowableAssert<?, ? extends Throwable> failsFast(byte[] bytes) {
        Throwable t = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> catchThrowable(() -> use(bytes)));
        assertThat(t).as("failure of a damaged dump").isInstanceOf(JkdumpException.class);
        return assertThat(t);
    }

    static byte[] with(byte[] base, int offset, ByteOrder order, long value, int width) {
        byte[] b = base.clone();
        var bb = ByteBuffer.wrap(b).order(order);
        switch (width) {
            case 4 -> bb.putInt(offset, (int) value);
            case 8 -> bb.putLong(offset, value);
            default -> throw new IllegalArgumentException();
        }
        return b;
    }

    static byte[] le32(byte[] base, long offset, long value) {
        return with(base, (int) offset, ByteOrder.LITTLE_ENDIAN, value, 4);
    }

    static byte[] le64(byte[] base, long offset, long value) {
        return with(base, (int) offset, ByteOrder.LITTLE_ENDIAN, value, 8);
    }

    static String at(long offset) {
        return NAME + ": offset 0x" + Long.toHexString(offset) + ": ";
    }

    // ---- kdump-compressed ----

    @TestFactory
    Stream<DynamicTest> kdumpTruncatedAtEveryHeaderBoundary() {
        int bs = k.blockSize();
        long headerBytes = (1L + k.subBlocks() + k.bitmapBlocks()) * bs;
        var cases = new ArrayList<Object[]>();
        cases.add(new Object[]{4, at(0) + "file of 4 bytes ends inside the \"KDUMP\" signature"});
        cases.add(new Object[]{300, at(0) + "file of 300 bytes ends inside the 464-byte disk_dump_header"});
        for (long cut : new long[]{464, bs, bs + 50, (1L + k.subBlocks()) * bs, headerBytes - 1})
            cases.add(new Object[]{(int) cut, at(0x1b0) + "header, sub-header (" + k.subBlocks() + " blocks) and bitmaps ("
                    + k.bitmapBlocks() + " blocks) of " + bs + " bytes each need " + headerBytes + " bytes, the file has " + cut});
        for (long cut : new long[]{headerBytes, k.descriptorOffset() + 5, k.descriptorOffset() + k.descriptors() * 24 - 1})
            cases.add(new Object[]{(int) cut, at(k.descriptorOffset()) + "page descriptor table (" + k.descriptors() + " descriptors) ("
                    + k.descriptors() * 24 + " bytes) extends past the end of the file (" + cut + " bytes)"});
        long cut = k.lastDataEnd() - 1;
        try (var d = KdumpDump.open(MappedSource.of(NAME, kdump))) {
            var pd = d.descriptor(k.lastDataPfn());
            long descAt = k.descriptorOffset() + d.memory().presentFrames().takeWhile(p -> p < k.lastDataPfn()).count() * 24;
            cases.add(new Object[]{(int) cut, at(descAt) + String.format("page descriptor of pfn 0x%x points to %d bytes at 0x%x, "
                    + "past the end of the file (%d bytes)", k.lastDataPfn(), pd.size(), pd.offset(), cut)});
        }
        return cases.stream().map(c -> DynamicTest.dynamicTest("cut at " + c[0], () ->
                failsFast(Arrays.copyOf(kdump, (int) c[0])).hasMessage((String) c[1])));
    }

    @Test
    void kdumpCutInItsPageDataSaysSoInItsDescriptionWithoutReadingPages() {
        // a copy cut short (cp interrupted, a full disk) without makedumpfile's INCOMPLETE mark:
        // info reads no page, yet must not call the dump complete
        int cut = (int) k.lastDataEnd() - 1;
        try (var d = DumpFiles.open(MappedSource.of(NAME, Arrays.copyOf(kdump, cut)))) {
            assertThat(d.describe().statusFlags()).contains("TRUNCATED(1 pages lie past the end of the file at 0x" + Integer.toHexString(cut) + ")");
        }
        try (var d = DumpFiles.open(MappedSource.of(NAME, kdump))) {
            assertThat(d.describe().statusFlags()).noneMatch(f -> f.startsWith("TRUNCATED"));
        }
    }

    @Test
    void kdumpBlockSizeNotAPowerOfTwo() {
        failsFast(le32(kdump, 0x1ac, 3000)).hasMessage(at(0x1ac) + "block_size 3000 is not a power of two between 512 and 1048576");
    }

    @Test
    void kdumpBitmapBlocksOverflowingTheFile() {
        failsFast(le32(kdump, 0x1b4, 0xffffffffL)).hasMessageStartingWith(at(0x1b0) + "header, sub-header (" + k.subBlocks()
                + " blocks) and bitmaps (4294967295 blocks)");
    }

    @Test
    void kdumpMaxMapnrLargerThanItsBitmap() {
        long subHeader = k.blockSize();
        failsFast(le64(kdump, subHeader + 96, 1L << 40)).hasMessage(at(subHeader + 96)
                + "max_mapnr 0x10000000000 needs a 137438953472-byte bitmap, the " + k.bitmapBlocks() + " bitmap blocks hold "
                + k.bitmapBlocks() * k.blockSize() + " bytes");
        failsFast(le64(kdump, subHeader + 96, -1L)).hasMessage(at(subHeader + 96)
                + "max_mapnr 0xffffffffffffffff is beyond any physical address space (2^52 frames)");
    }

    @Test
    void kdumpDescriptorPointingOutsideTheFile() {
        failsFast(le64(kdump, k.descriptorOffset(), 1L << 40)).hasMessageStartingWith(at(k.descriptorOffset())
                + String.format("page descriptor of pfn 0x%x points to ", k.firstPfn())).hasMessageEndingWith(
                " bytes at 0x10000000000, past the end of the file (" + kdump.length + " bytes)");
        failsFast(le64(kdump, k.descriptorOffset(), -4096)).hasMessageContaining("at 0xfffffffffffff000, past the end of the file");
    }

    @Test
    void kdumpDescriptorLargerThanAPage() {
        failsFast(le32(kdump, k.descriptorOffset() + 8, 8192)).hasMessage(at(k.descriptorOffset() + 8)
                + String.format("page descriptor of pfn 0x%x: size 8192 is not between 1 and the page size 4096", k.firstPfn()));
    }

    @Test
    void kdumpDescriptorNamingTwoCodecs() {
        failsFast(le32(kdump, k.descriptorOffset() + 12, 3)).hasMessage(at(k.descriptorOffset() + 12)
                + String.format("page descriptor of pfn 0x%x has flags 0x3 naming more than one codec", k.firstPfn()));
    }

    @Test
    void kdumpDescriptorNeverWrittenInACompleteDump() {
        failsFast(le64(kdump, k.descriptorOffset(), 0)).hasMessage(at(k.descriptorOffset())
                + String.format("page descriptor of pfn 0x%x has offset 0 (never written), yet the dump is not marked INCOMPLETE",
                k.firstPfn()));
    }

    /** Replaces the first page's data with {@code data} appended to the file, under {@code codec}. */
    static byte[] withPageData(PageCodec codec, byte[] data) {
        byte[] b = Arrays.copyOf(kdump, kdump.length + data.length);
        System.arraycopy(data, 0, b, kdump.length, data.length);
        b = le64(b, k.descriptorOffset(), kdump.length);
        b = le32(b, k.descriptorOffset() + 8, data.length);
        return le32(b, k.descriptorOffset() + 12, codec.flag());
    }

    static String pageAt(PageCodec codec, int size) {
        return at(kdump.length) + String.format("page of pfn 0x%x (%s, %d bytes): ", k.firstPfn(), codec.text(), size);
    }

    @Test
    void zlibDataInflatingPastAPage() {
        var d = new Deflater();
        d.setInput(new byte[8192]);
        d.finish();
        byte[] out = new byte[4096];
        int n = d.deflate(out);
        byte[] bomb = Arrays.copyOf(out, n);
        failsFast(withPageData(PageCodec.ZLIB, bomb)).hasMessage(pageAt(PageCodec.ZLIB, n) + "zlib data inflates past the 4096-byte page");
    }

    @Test
    void zlibDataInflatingShortOfAPage() {
        var d = new Deflater();
        d.setInput(new byte[100]);
        d.finish();
        byte[] out = new byte[4096];
        int n = d.deflate(out);
        failsFast(withPageData(PageCodec.ZLIB, Arrays.copyOf(out, n)))
                .hasMessage(pageAt(PageCodec.ZLIB, n) + "zlib data inflates to 100 bytes, the page size is 4096");
    }

    @Test
    void zlibDataThatIsNotZlib() {
        failsFast(withPageData(PageCodec.ZLIB, "definitely not zlib".getBytes()))
                .hasMessage(pageAt(PageCodec.ZLIB, 19) + "zlib data is corrupt: incorrect header check");
    }

    @Test
    void lzoDataInflatingPastAPage() {
        var c = new LzoCompressor();
        byte[] out = new byte[c.maxCompressedLength(8192)];
        int n = c.compress(new byte[8192], 0, 8192, out, 0, out.length);
        failsFast(withPageData(PageCodec.LZO, Arrays.copyOf(out, n)))
                .hasMessageStartingWith(pageAt(PageCodec.LZO, n) + "lzo data is corrupt or inflates past the 4096-byte page");
    }

    @Test
    void snappyDataClaimingMoreThanAPage() {
        var c = new SnappyCompressor();
        byte[] out = new byte[c.maxCompressedLength(8192)];
        int n = c.compress(new byte[8192], 0, 8192, out, 0, out.length);
        failsFast(withPageData(PageCodec.SNAPPY, Arrays.copyOf(out, n)))
                .hasMessage(pageAt(PageCodec.SNAPPY, n) + "snappy data claims 8192 bytes, the page size is 4096");
    }

    @Test
    void zstdDataInflatingPastAPage() {
        var c = new ZstdCompressor();
        byte[] out = new byte[c.maxCompressedLength(8192)];
        int n = c.compress(new byte[8192], 0, 8192, out, 0, out.length);
        failsFast(withPageData(PageCodec.ZSTD, Arrays.copyOf(out, n)))
                .hasMessageStartingWith(pageAt(PageCodec.ZSTD, n) + "zstd data is corrupt or inflates past the 4096-byte page");
    }

    @Test
    void kdumpNoteAreaOfAbsurdSize() {
        long field = k.blockSize() + 56;
        failsFast(le64(kdump, field, 1L << 40)).hasMessage(at(field) + "ELF note area size 1099511627776 is absurd (more than 64 MiB)");
        failsFast(le64(kdump, field - 8, kdump.length - 10)).hasMessageStartingWith(at(field - 8) + "ELF note area at offset 0x"
                + Long.toHexString(kdump.length - 10) + " (").hasMessageEndingWith("bytes) extends past the end of the file ("
                + kdump.length + " bytes)");
    }

    @Test
    void kdumpNoteOfAbsurdSize() {
        failsFast(le32(kdump, k.noteOffset() + 4, 0x7fffffff)).hasMessage(at(k.noteOffset())
                + "ELF note with name size 5 and descriptor size 2147483647 is absurd");
    }

    @Test
    void kdumpVmcoreinfoOfAbsurdSize() {
        long field = k.blockSize() + 40;
        failsFast(le64(kdump, field, -1)).hasMessage(at(field) + "VMCOREINFO size 18446744073709551615 is absurd (more than 64 MiB)");
    }

    @Test
    void kdumpSplitRangeOutsideTheDump() {
        long sub = k.blockSize();
        byte[] b = le32(kdump, sub + 12, 1);
        b = le64(b, sub + 80, 100);
        b = le64(b, sub + 88, 50);
        failsFast(b).hasMessage(at(sub + 80) + "split range start_pfn 0x64, end_pfn 0x32 is not inside [0, max_mapnr 0x"
                + Long.toHexString(ByteBuffer.wrap(kdump).order(ByteOrder.LITTLE_ENDIAN).getLong((int) sub + 96)) + ")");
    }

    @Test
    void kdumpHeaderVersionOutOfRange() {
        failsFast(le32(kdump, 8, -2)).hasMessage(at(8) + "header_version -2 is not a version makedumpfile writes (1 to 6)");
    }

    /** {@code bytes} with the first "PAGESIZE=4096" of the VMCOREINFO text (every copy) made "PAGESIZE=zz\n\n". */
    static byte[] withBadPageSize(byte[] bytes) {
        byte[] b = bytes.clone();
        byte[] key = "PAGESIZE=4096".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (int i = 0; i + key.length <= b.length && i < 1 << 20; i++)
            if (Arrays.equals(b, i, i + key.length, key, 0, key.length))
                System.arraycopy("PAGESIZE=zz\n\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, b, i, key.length);
        return b;
    }

    static long indexOf(byte[] b, String text) {
        byte[] t = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (int i = 0; i + t.length <= b.length; i++)
            if (Arrays.equals(b, i, i + t.length, t, 0, t.length)) return i;
        throw new AssertionError(text + " not found");
    }

    @Test
    void vmcoreinfoValueThatIsNotANumberNamesFileAndOffset() {
        for (byte[] dump : List.of(kdump, elf)) {
            byte[] b = withBadPageSize(dump);
            long value = indexOf(b, "PAGESIZE=zz") + "PAGESIZE=".length();
            Throwable t = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> catchThrowable(() -> {
                try (var d = DumpFiles.open(MappedSource.of(NAME, b))) {
                    d.vmcoreinfo().orElseThrow().pageSize();
                }
            }));
            assertThat(t).isInstanceOf(MalformedDumpException.class)
                    .hasMessage(at(value) + "VMCOREINFO PAGESIZE=zz is not a number");
        }
    }

    // ---- ELF ----

    static long phoff() {
        return ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN).getLong(32);
    }

    static long phdr(int i, int field) {
        return ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN).getLong((int) (phoff() + 56L * i + field));
    }

    @TestFactory
    Stream<DynamicTest> elfTruncatedAtEveryHeaderBoundary() {
        int phnum = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN).getShort(56);
        long notes = phdr(0, 8), notesSize = phdr(0, 32);
        long data = phdr(1, 8);
        var cases = new ArrayList<Object[]>();
        cases.add(new Object[]{2, at(0) + "file of 2 bytes ends inside the \"\\177ELF\" signature"});
        cases.add(new Object[]{40, at(0) + "file of 40 bytes ends inside the 64-byte ELF header"});
        for (long cut : new long[]{64, 64 + 56 * 2 + 3, notes - 1})
            cases.add(new Object[]{(int) cut, at(64) + "program header table (" + phnum + " entries) (" + 56 * phnum
                    + " bytes) extends past the end of the file (" + cut + " bytes)"});
        cases.add(new Object[]{(int) (notes + 20), at(notes) + "PT_NOTE segment 0 (" + notesSize
                + " bytes) extends past the end of the file (" + (notes + 20) + " bytes)"});
        // the last PT_LOAD with data, cut in its middle
        int last = phnum - 1;
        while (phdr(last, 32) == 0) last--;
        long cut = phdr(last, 8) + phdr(last, 32) / 2;
        cases.add(new Object[]{(int) cut, at(phoff() + 56L * last + 8) + String.format(
                "PT_LOAD %d data (0x%x bytes at 0x%x) extends past the end of the file (%d bytes)",
                last, phdr(last, 32), phdr(last, 8), cut)});
        assertThat(data).isGreaterThan(notes);
        return cases.stream().map(c -> DynamicTest.dynamicTest("cut at " + c[0], () ->
                failsFast(Arrays.copyOf(elf, (int) c[0])).hasMessage((String) c[1])));
    }

    @Test
    void elfPnXnumWithoutSectionHeader() {
        byte[] b = elf.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(56, (short) 0xffff).putLong(40, 0);
        failsFast(b).hasMessage(at(56) + "e_phnum is PN_XNUM but e_shoff is 0: no section header 0 holds the count");
    }

    @Test
    void elfProgramHeaderCountOverflowingThroughPnXnum() {
        byte[] b = Arrays.copyOf(elf, elf.length + 64);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(56, (short) 0xffff).putLong(40, elf.length)
                .putShort(58, (short) 64).putShort(60, (short) 1).putInt(elf.length + 44, -1);
        failsFast(b).hasMessage(at(56) + "4294967295 program headers is absurd");
    }

    @Test
    void elfNoteSegmentOfAbsurdSize() {
        failsFast(le64(elf, phoff() + 32, 1L << 50)).hasMessage(at(phoff() + 32) + "PT_NOTE 0: p_filesz 1125899906842624 is absurd");
    }

    @Test
    void elfNoteOfAbsurdSize() {
        long notes = phdr(0, 8);
        failsFast(le32(elf, notes + 4, -1)).hasMessage(at(notes) + "ELF note with name size 5 and descriptor size 4294967295 is absurd");
    }

    @Test
    void elfLoadWithMoreFileThanMemory() {
        long ph = phoff() + 56;
        failsFast(le64(elf, ph + 32, phdr(1, 40) + 4096)).hasMessage(at(ph + 32) + String.format(
                "PT_LOAD 1: p_filesz 0x%x exceeds p_memsz 0x%x", phdr(1, 40) + 4096, phdr(1, 40)));
    }

    @Test
    void elfLoadBeyondThePhysicalAddressSpace() {
        long ph = phoff() + 56;
        failsFast(le64(elf, ph + 24, 1L << 52)).hasMessageStartingWith(at(ph + 24) + "PT_LOAD 1: [0x10000000000000, +0x")
                .hasMessageEndingWith(") is outside the physical address space (52 bits on x86-64)");
    }

    @Test
    void elfThatIsNotACore() {
        byte[] b = elf.clone();
        b[16] = 2; // ET_EXEC
        failsFast(b).hasMessage(at(16) + "e_type 2 is not ET_CORE (4): not a core dump");
    }

    // ---- flattened ----

    static byte[] flatRecord(byte[] stream, long offset, long size) {
        // replace the first record's header
        return with(with(stream, FlattenedSource.HEADER_SIZE, ByteOrder.BIG_ENDIAN, offset, 8),
                FlattenedSource.HEADER_SIZE + 8, ByteOrder.BIG_ENDIAN, size, 8);
    }

    @Test
    void flattenedStreamCutInsideItsHeader() {
        failsFast(Arrays.copyOf(flat, 100)).hasMessage(at(0) + "flattened stream of 100 bytes ends inside its 4096-byte header");
        failsFast(Arrays.copyOf(flat, 10)).hasMessage(at(0) + "file of 10 bytes ends inside the \"makedumpfile\" signature");
    }

    @Test
    void flattenedStreamWithABadType() {
        failsFast(with(flat, 16, ByteOrder.BIG_ENDIAN, 2, 8)).hasMessage(at(16) + "flattened header type 2 is not TYPE_FLAT_HEADER (1)");
    }

    @Test
    void flattenedRecordWithNegativeOffsetOrNoSize() {
        failsFast(flatRecord(flat, -5, 10)).hasMessage(at(4096) + "flattened record with offset -5 and size 10 (neither the end record nor data)");
        failsFast(flatRecord(flat, 0, 0)).hasMessage(at(4096) + "flattened record with offset 0 and size 0 (neither the end record nor data)");
    }

    @Test
    void flattenedRecordRunningPastTheStream() {
        failsFast(flatRecord(flat, 0, 1L << 40)).hasMessage(at(4096) + "flattened record of 1099511627776 bytes for offset 0x0 runs past "
                + "the end of the stream (" + flat.length + " bytes)");
    }

    @Test
    void flattenedStreamWithoutEndRecord() {
        failsFast(Arrays.copyOf(flat, flat.length - 16)).hasMessage(at(flat.length - 16)
                + "flattened stream ends without its end record (offset -1, size -1): it is truncated");
    }

    static byte[] flatStream(Object... records) {
        var out = new java.io.ByteArrayOutputStream();
        var w = new FlattenedWriter("t", out);
        for (int i = 0; i < records.length; i += 2) {
            byte[] data = (byte[]) records[i + 1];
            w.write((Long) records[i], data, 0, data.length);
        }
        w.close();
        return out.toByteArray();
    }

    @Test
    void flattenedRecordFarBeyondTheData() {
        // A kdump header and one record at 2^60: the logical file is huge and sparse, memory stays small.
        byte[] b = flatStream(0L, Arrays.copyOf(kdump, KdumpHeader.SIZE), 1L << 60, "far away".getBytes());
        long bitmaps = k.bitmapBlocks() * k.blockSize();
        failsFast(b).hasMessage(at((1L + k.subBlocks()) * k.blockSize()) + "memory bitmaps of " + bitmaps
                + " bytes is larger than the whole flattened stream (" + b.length + " bytes)");
    }

    @Test
    void flattenedStreamHoldingNoDump() {
        failsFast(flatStream(0L, "GARBAGE!".getBytes())).hasMessage(at(0)
                + "the flattened stream holds neither a kdump-compressed file nor an ELF core (starts with \"GARBAGE!\")");
    }

    // ---- files ----

    @TempDir
    Path dir;

    static AbstractThrowableAssert<?, ? extends Throwable> openFailsFast(Path p) {
        Throwable t = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> catchThrowable(() -> DumpFiles.open(p).close()));
        assertThat(t).isInstanceOf(JkdumpException.class);
        return assertThat(t);
    }

    @Test
    void emptyFile() throws IOException {
        var p = Files.createFile(dir.resolve("empty"));
        openFailsFast(p).hasMessage(p + ": the file is empty");
    }

    @Test
    void directory() {
        openFailsFast(dir).hasMessage(dir + ": is a directory, not a dump file");
    }

    @Test
    void missingFile() {
        openFailsFast(dir.resolve("nope")).hasMessage(dir.resolve("nope") + ": no such file");
    }

    @Test
    void fifoIsRefusedWithoutWaitingForAWriter() throws Exception {
        var p = dir.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", p.toString()).start().waitFor()).isZero();
        openFailsFast(p).hasMessage(p + ": is not a regular file (a FIFO, socket or device): a dump file is read by mapping it");
    }

    @Test
    void characterDevice() {
        openFailsFast(Path.of("/dev/zero")).hasMessage("/dev/zero: is not a regular file (a FIFO, socket or device): a dump file is read by mapping it");
    }

    @Test
    void textFile() throws IOException {
        var p = Files.writeString(dir.resolve("notes.txt"), "these are not the pages you are looking for");
        openFailsFast(p).hasMessage(p + ": offset 0x0: not a crash dump: no ELF, KDUMP, DISKDUMP or flattened-format signature "
                + "(found \"these are not th\")");
    }

    @Test
    void everyMessageNamesFileAndOffset() {
        // A sweep: every single-byte change of the kdump header block either works or fails in our vocabulary.
        var seen = new ArrayList<String>();
        for (int i = 0; i < 0x1d0; i += 7) {
            byte[] b = kdump.clone();
            b[i] ^= (byte) 0xa5;
            Throwable t = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> catchThrowable(() -> use(b)));
            if (t == null) continue;
            assertThat(t).as("byte 0x%x", i).isInstanceOf(JkdumpException.class);
            if (t instanceof MalformedDumpException m) assertThat(m.getMessage()).startsWith(NAME + ": offset 0x");
            seen.add(t.getMessage());
        }
        assertThat(seen).isNotEmpty();
    }

}
