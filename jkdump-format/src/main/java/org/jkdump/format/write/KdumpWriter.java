package org.jkdump.format.write;

import java.nio.ByteBuffer;

import java.util.Optional;
import org.jkdump.format.ElfNote;
import org.jkdump.format.KdumpHeader;
import org.jkdump.format.KdumpSubHeader;
import org.jkdump.format.PageCodec;
import org.jkdump.format.PageDescriptor;

/**
 * Writes a kdump-compressed file as makedumpfile lays it out (header version 6 unless asked
 * otherwise): the header, the sub-header with the ELF notes (VMCOREINFO among them) right
 * after it, bitmap 1 (RAM) and bitmap 2 (kept), one descriptor per kept frame, then the page
 * data, each page compressed when that makes it smaller, every zero page sharing one stored
 * zero page. Pages stream in frame order; memory stays at two buffers however large the dump.
 * The header says INCOMPLETE until {@link #finish()}, so a file cut short by a crash of the
 * writer reads as incomplete, with its missing pages lost.
 */
public final class KdumpWriter implements DumpWriter {
    /**
     * How to write: the codec, the signature ("KDUMP   " or the old "DISKDUMP"), the header
     * version (1 to 6; fields of later versions are left out), an optional split range
     * ({@code --split}: this file holds the frames of {@code [splitStart, splitEnd)}), whether
     * zero pages share one stored page, and eraseinfo text (version 5 and later).
     */
    public record Options(PageCodec codec, String signature, int headerVersion, long splitStart, long splitEnd,
                          boolean shareZeroPage, Optional<byte[]> eraseinfo) {
        public Options {
            if (!signature.equals(KdumpHeader.KDUMP) && !signature.equals(KdumpHeader.DISKDUMP))
                throw new IllegalArgumentException("signature \"" + signature + "\"");
            if (headerVersion < 1 || headerVersion > KdumpHeader.LATEST_VERSION)
                throw new IllegalArgumentException("header version " + headerVersion);
            if (signature.equals(KdumpHeader.DISKDUMP) && codec != PageCodec.NONE && codec != PageCodec.ZLIB)
                throw new IllegalArgumentException("a diskdump file compresses with zlib or not at all, not " + codec.text());
            if (splitStart >= 0 && (splitEnd <= splitStart || headerVersion < 2 || signature.equals(KdumpHeader.DISKDUMP)))
                throw new IllegalArgumentException("split range needs start < end and a KDUMP header of version 2 or later");
        }

        /** makedumpfile's defaults with {@code codec}: KDUMP, version 6, no split, shared zero page. */
        public static Options of(PageCodec codec) {
            return new Options(codec, KdumpHeader.KDUMP, KdumpHeader.LATEST_VERSION, -1, -1, true, Optional.empty());
        }

        public Options withHeaderVersion(int v) {
            return new Options(codec, signature, v, splitStart, splitEnd, shareZeroPage, eraseinfo);
        }

        public Options diskdump() {
            return new Options(codec, KdumpHeader.DISKDUMP, headerVersion, -1, -1, shareZeroPage, eraseinfo);
        }

        public Options split(long start, long end) {
            return new Options(codec, signature, headerVersion, start, end, shareZeroPage, eraseinfo);
        }

        public Options withoutSharedZeroPage() {
            return new Options(codec, signature, headerVersion, splitStart, splitEnd, false, eraseinfo);
        }

        public Options withEraseinfo(byte[] text) {
            return new Options(codec, signature, headerVersion, splitStart, splitEnd, shareZeroPage, Optional.of(text.clone()));
        }

        boolean isSplit() {
            return splitStart >= 0;
        }
    }

    private static final int DATA_BUFFER = 1 << 20, DESCRIPTOR_BUFFER = PageDescriptor.SIZE * 2730;

    private final DumpSink sink;
    private final DumpPlan plan;
    private final Options options;
    private final PageEncoder encoder;
    private final int pageSize;
    private final long start, end;
    private final KdumpHeader header;
    private final KdumpSubHeader subHeader;
    private final long descriptorOffset;
    private final PageDescriptor zeroPage;
    private final ByteBuffer data;  // page data on its way to the sink: direct when the sink takes that without a copy
    private final byte[] descriptors = new byte[DESCRIPTOR_BUFFER];
    private long dataFileOffset, descFileOffset;  // where the buffers' first bytes go
    private int dataFill, descFill;
    private long next;
    private long written;
    private boolean done;

    private KdumpWriter(DumpSink sink, DumpPlan plan, Options options) {
        this.sink = sink;
        this.plan = plan;
        this.options = options;
        this.pageSize = plan.pageSize();
        this.data = sink.prefersDirectBuffers() ? ByteBuffer.allocateDirect(DATA_BUFFER) : ByteBuffer.allocate(DATA_BUFFER);
        this.encoder = new PageEncoder(options.codec(), pageSize);
        long maxPfn = plan.maxPfn();
        this.start = options.isSplit() ? options.splitStart() : 0;
        this.end = options.isSplit() ? Math.min(options.splitEnd(), maxPfn) : maxPfn;
        boolean kdump = options.signature().equals(KdumpHeader.KDUMP);
        int v = options.headerVersion();

        // Sub-header: notes (version 4+) or VMCOREINFO alone (version 3) follow it directly.
        byte[] notes = kdump && v >= 4 ? encodeNotes(plan) : new byte[0];
        byte[] vmcoreinfo = plan.notes().stream().filter(ElfNote::isVmcoreInfo).findFirst().map(ElfNote::desc).orElse(new byte[0]);
        long notesOffset = pageSize + KdumpSubHeader.SIZE;
        long vmcoreinfoOffset = 0;
        long extra = 0;
        if (kdump && v >= 4 && notes.length > 0) {
            extra = notes.length;
            vmcoreinfoOffset = vmcoreinfo.length == 0 ? 0 : notesOffset + vmcoreinfoOffsetInNotes(plan);
        } else if (kdump && v == 3 && vmcoreinfo.length > 0) {
            extra = vmcoreinfo.length;
            vmcoreinfoOffset = notesOffset;
        }
        int subBlocks = (int) ((KdumpSubHeader.SIZE + extra + pageSize - 1) / pageSize);
        long bitmapHalf = ((maxPfn + 7) / 8 + pageSize - 1) / pageSize * pageSize;
        int bitmapBlocks = (int) (2 * bitmapHalf / pageSize);
        long descriptorCount = plan.keep().count(start, end);
        this.descriptorOffset = (1L + subBlocks + bitmapBlocks) * pageSize;
        long dataStart = descriptorOffset + descriptorCount * PageDescriptor.SIZE;
        this.zeroPage = options.shareZeroPage() ? new PageDescriptor(dataStart, pageSize, 0, 0) : null;

        int status = kdump ? options.codec().flag() | KdumpHeader.DUMP_DH_COMPRESSED_INCOMPLETE
                : (options.codec() == PageCodec.NONE ? 0 : KdumpHeader.DUMP_HEADER_COMPRESSED) | KdumpHeader.DUMP_HEADER_INCOMPLETED;
        this.header = new KdumpHeader(options.signature(), v, plan.utsname(), plan.crashTime(), 0, status, pageSize, subBlocks,
                bitmapBlocks, Math.min(maxPfn, 0xffffffffL), 0, 0, 0, 0, plan.cpus());
        this.subHeader = !kdump ? null : new KdumpSubHeader(plan.physBase(), plan.dumpLevel(), options.isSplit() ? 1 : 0,
                options.isSplit() ? Math.min(start, 0xffffffffL) : 0, options.isSplit() ? Math.min(end, 0xffffffffL) : 0,
                v >= 3 ? vmcoreinfoOffset : 0, v >= 3 && vmcoreinfoOffset != 0 ? vmcoreinfo.length : 0,
                v >= 4 && notes.length > 0 ? notesOffset : 0, v >= 4 ? notes.length : 0, 0, 0,
                v >= 6 && options.isSplit() ? start : 0, v >= 6 && options.isSplit() ? end : 0, v >= 6 ? maxPfn : 0);

        sink.write(0, header.encode(), 0, KdumpHeader.SIZE);
        if (kdump) {
            sink.write(pageSize, subHeader.encode(), 0, KdumpSubHeader.SIZE);
            if (v >= 4 && notes.length > 0) sink.write(notesOffset, notes, 0, notes.length);
            else if (v == 3 && vmcoreinfo.length > 0) sink.write(notesOffset, vmcoreinfo, 0, vmcoreinfo.length);
        }
        writeBitmaps((1L + subBlocks) * pageSize, bitmapHalf, maxPfn);

        this.descFileOffset = descriptorOffset;
        this.dataFileOffset = dataStart;
        if (zeroPage != null) dataFill = pageSize;  // the buffer starts zeroed: that is the zero page
        this.next = plan.keep().nextSetBit(start);
        if (next >= end) next = -1;
    }

    /** Starts writing the file described by {@code plan} to {@code sink}; headers and bitmaps are written at once. */
    public static KdumpWriter create(DumpSink sink, DumpPlan plan, Options options) {
        if (options.isSplit() && options.splitStart() >= plan.maxPfn())
            throw new IllegalArgumentException("split range starts past the last frame 0x" + Long.toHexString(plan.maxPfn()));
        if (options.headerVersion() < 6 && plan.maxPfn() > 0xffffffffL)
            throw new IllegalArgumentException("header version " + options.headerVersion() + " holds max_mapnr in 32 bits; frame 0x"
                    + Long.toHexString(plan.maxPfn()) + " needs version 6");
        return new KdumpWriter(sink, plan, options);
    }

    private static byte[] encodeNotes(DumpPlan plan) {
        var out = new java.io.ByteArrayOutputStream();
        for (var n : plan.notes()) out.writeBytes(encodeNote(n));
        return out.toByteArray();
    }

    /** Elf64_Nhdr, name with its NUL, descriptor; both padded to 4 bytes. */
    static byte[] encodeNote(ElfNote n) {
        byte[] name = (n.name() + "\0").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] desc = n.desc();
        int nameLen = (name.length + 3) & ~3, descLen = (desc.length + 3) & ~3;
        var b = java.nio.ByteBuffer.allocate(12 + nameLen + descLen).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(name.length).putInt(desc.length).putInt(n.type());
        b.put(name).position(12 + nameLen);
        b.put(desc);
        return b.array();
    }

    /** Offset of the VMCOREINFO note's descriptor inside the encoded notes (makedumpfile points offset_vmcoreinfo there). */
    private static long vmcoreinfoOffsetInNotes(DumpPlan plan) {
        long at = 0;
        for (var n : plan.notes()) {
            if (n.isVmcoreInfo()) return at + 12 + ((n.name().length() + 1 + 3) & ~3);
            at += encodeNote(n).length;
        }
        return 0;
    }

    /** Bitmap 1 from the RAM ranges, bitmap 2 from the kept frames, in chunks. */
    private void writeBitmaps(long offset, long half, long maxPfn) {
        var chunk = new byte[64 << 10];
        for (long b = 0; b < half; b += chunk.length) {
            int n = (int) Math.min(chunk.length, half - b);
            java.util.Arrays.fill(chunk, 0, n, (byte) 0);
            for (var r : plan.ranges()) {
                long lo = Math.max(r.paddr() / pageSize, b * 8), hi = Math.min((r.end() + pageSize - 1) / pageSize, (b + n) * 8);
                // bit by bit to a byte boundary, then whole bytes
                for (; lo < hi && (lo & 7) != 0; lo++) chunk[(int) (lo / 8 - b)] |= (byte) (1 << (lo & 7));
                if (hi - lo >= 8) {
                    java.util.Arrays.fill(chunk, (int) (lo / 8 - b), (int) (hi / 8 - b), (byte) 0xff);
                    lo = hi & ~7L;
                }
                for (; lo < hi; lo++) chunk[(int) (lo / 8 - b)] |= (byte) (1 << (lo & 7));
            }
            sink.write(offset + b, chunk, 0, n);
        }
        for (long b = 0; b < half; b += chunk.length) {
            int n = (int) Math.min(chunk.length, half - b);
            plan.keep().copyBytes(b, chunk, n);
            sink.write(offset + half + b, chunk, 0, n);
        }
    }

    public DumpPlan plan() {
        return plan;
    }

    public Options options() {
        return options;
    }

    @Override
    public long nextPfn() {
        return next;
    }

    @Override
    public long pagesWritten() {
        return written;
    }

    @Override
    public void writePage(long pfn, byte[] page, int off) {
        writeCompressed(encoder.encode(pfn, page, off));
    }

    /** Writes a page another thread's {@link PageEncoder} prepared; pages must still come in frame order. */
    public void writeCompressed(CompressedPage page) {
        writeEncoded(page.pfn(), page.codec(), page.data(), 0, page.length(), page.zero());
    }

    /**
     * Writes frame {@code pfn} stored as {@code b[off, off+len)} in {@code codec}
     * ({@link PageCodec#NONE}: the raw page), or as a page of zeros when {@code zero} (then
     * {@code b} is not read); frames must come in order. For pipelines that keep encoded pages
     * back to back in buffers of their own.
     */
    public void writeEncoded(long pfn, PageCodec codec, byte[] b, int off, int len, boolean zero) {
        if (done) throw new IllegalStateException(sink.name() + ": the dump is already finished");
        if (pfn != next)
            throw new IllegalArgumentException(String.format("frame 0x%x written out of order: the next kept frame is %s",
                    pfn, next < 0 ? "none (all written)" : "0x" + Long.toHexString(next)));
        if (!zero && (len <= 0 || len > pageSize || off < 0 || off + len > b.length))
            throw new IllegalArgumentException("frame 0x" + Long.toHexString(pfn) + ": " + len + " bytes at " + off + " of " + b.length);
        PageDescriptor pd;
        if (zero && zeroPage != null) {
            pd = zeroPage;
        } else {
            if (zero) {
                b = new byte[pageSize];
                off = 0;
                len = pageSize;
            }
            pd = new PageDescriptor(dataFileOffset + dataFill, len, zero ? 0 : codec.flag(), 0);
            appendData(b, off, len);
        }
        if (descFill == descriptors.length) flushDescriptors();
        pd.encode(descriptors, descFill);
        descFill += PageDescriptor.SIZE;
        written++;
        next = plan.keep().nextSetBit(next + 1);
        if (next >= end) next = -1;
    }

    private void appendData(byte[] b, int off, int len) {
        if (dataFill + len > data.capacity()) flushData();
        data.put(dataFill, b, off, len);
        dataFill += len;
    }

    private void flushData() {
        if (dataFill > 0) sink.write(dataFileOffset, data.slice(0, dataFill));
        dataFileOffset += dataFill;
        dataFill = 0;
    }

    private void flushDescriptors() {
        if (descFill > 0) sink.write(descFileOffset, descriptors, 0, descFill);
        descFileOffset += descFill;
        descFill = 0;
    }

    @Override
    public void finish() {
        if (done) return;
        if (next >= 0)
            throw new IllegalStateException(String.format("%s: %d kept frames not written yet, the next is 0x%x; "
                    + "call finishIncomplete() to end a dump cut short", sink.name(), plan.keep().count(next, end), next));
        flushData();
        flushDescriptors();
        var sub = subHeader;
        var erase = options.eraseinfo();
        if (sub != null && options.headerVersion() >= 5 && erase.isPresent() && erase.get().length > 0) {
            sink.write(dataFileOffset, erase.get(), 0, erase.get().length);
            sub = new KdumpSubHeader(sub.physBase(), sub.dumpLevel(), sub.split(), sub.startPfn32(), sub.endPfn32(),
                    sub.offsetVmcoreinfo(), sub.sizeVmcoreinfo(), sub.offsetNote(), sub.sizeNote(), dataFileOffset,
                    erase.get().length, sub.startPfn64(), sub.endPfn64(), sub.maxMapnr64());
            sink.write(pageSize, sub.encode(), 0, KdumpSubHeader.SIZE);
        }
        int incomplete = header.isKdump() ? KdumpHeader.DUMP_DH_COMPRESSED_INCOMPLETE : KdumpHeader.DUMP_HEADER_INCOMPLETED;
        sink.write(0, header.withStatus(header.status() & ~incomplete).encode(), 0, KdumpHeader.SIZE);
        done = true;
        sink.close();
    }

    @Override
    public void finishIncomplete() {
        if (done) return;
        done = true;
        try {
            flushData();
            flushDescriptors();
        } finally {
            sink.close();
        }
    }
}
