package org.jkdump.format;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A kdump-compressed file ("KDUMP   ", makedumpfile -c/-l/-p/-z, QEMU's kdump formats) or an
 * old diskdump file ("DISKDUMP"). Layout, in blocks of {@code block_size}: the
 * {@link KdumpHeader}, the {@link KdumpSubHeader} (with the ELF notes and VMCOREINFO after it),
 * bitmap 1 (RAM) and bitmap 2 (dumped) halves, then one {@link PageDescriptor} per dumped frame
 * and the page data. A file made with {@code --split} holds the descriptors of
 * {@code [start_pfn, end_pfn)} only; {@link SplitDump} joins such files.
 */
public final class KdumpDump implements DumpFile {
    /** x86-64 addresses at most 2^52 bytes of physical memory: never more frames than that. */
    private static final long MAX_FRAMES = 1L << 52;

    private final DumpSource source;
    private final KdumpHeader header;
    private final KdumpSubHeader subHeader;
    private final long maxMapnr;
    private final KdumpMemory memory;
    private final List<ElfNote> notes;
    private final Optional<VmcoreInfo> vmcoreinfo;

    private KdumpDump(DumpSource source, KdumpHeader header, KdumpSubHeader subHeader, long maxMapnr, KdumpMemory memory,
                      List<ElfNote> notes, Optional<VmcoreInfo> vmcoreinfo) {
        this.source = source;
        this.header = header;
        this.subHeader = subHeader;
        this.maxMapnr = maxMapnr;
        this.memory = memory;
        this.notes = notes;
        this.vmcoreinfo = vmcoreinfo;
    }

    /** Opens the kdump-compressed or diskdump file in {@code source}; the dump owns the source from then on. */
    public static KdumpDump open(DumpSource source) {
        return open(source, PageCache.DEFAULT_BUDGET);
    }

    /** As {@link #open(DumpSource)}, with a page cache of {@code cacheBudget} bytes. */
    public static KdumpDump open(DumpSource source, long cacheBudget) {
        var header = KdumpHeader.read(source);
        int bs = header.blockSize();
        var sub = header.isKdump() ? KdumpSubHeader.read(source, header) : KdumpSubHeader.NONE;

        long maxMapnr = header.isKdump() && header.headerVersion() >= 6 && sub.maxMapnr64() != 0
                ? sub.maxMapnr64() : header.maxMapnr32();
        long maxMapnrField = header.isKdump() && header.headerVersion() >= 6 && sub.maxMapnr64() != 0
                ? bs + KdumpSubHeader.MAX_MAPNR_64 : KdumpHeader.MAX_MAPNR;
        if (maxMapnr == 0)
            throw source.malformed(maxMapnrField, "max_mapnr is 0: the dump describes no memory");
        if (maxMapnr < 0 || maxMapnr > MAX_FRAMES || maxMapnr > Long.MAX_VALUE / bs)
            throw source.malformed(maxMapnrField, "max_mapnr 0x%x is beyond any physical address space (2^52 frames)", maxMapnr);

        // Two bitmaps (RAM, dumped) when the blocks hold two; diskdump files may carry only one
        // (crash's dump_is_partial() draws the same line).
        long bitmapBytes = header.bitmapBytes();
        long needed = (maxMapnr + 7) / 8;
        if (needed > bitmapBytes)
            throw source.malformed(maxMapnrField, "max_mapnr 0x%x needs a %d-byte bitmap, the %d bitmap blocks hold %d bytes",
                    maxMapnr, needed, Integer.toUnsignedLong(header.bitmapBlocks()), bitmapBytes);
        boolean two = Integer.toUnsignedLong(header.bitmapBlocks()) >= 2 * ((needed + bs - 1) / bs);
        MemorySegment bits = source.segment(header.bitmapOffset(), bitmapBytes, "memory bitmaps");
        PfnBitmap ram, dumpable;
        if (two) {
            ram = PfnBitmap.view(bits.asSlice(0, bitmapBytes / 2), maxMapnr);
            dumpable = PfnBitmap.view(bits.asSlice(bitmapBytes / 2, bitmapBytes / 2), maxMapnr);
        } else {
            ram = dumpable = PfnBitmap.view(bits, maxMapnr);
        }

        long start = 0, end = maxMapnr;
        if (header.isKdump() && header.headerVersion() >= 2 && sub.isSplit()) {
            int v = header.headerVersion();
            start = sub.splitStart(v);
            end = sub.splitEnd(v);
            long field = bs + (v >= 6 ? KdumpSubHeader.START_PFN_64 : KdumpSubHeader.START_PFN);
            if (start < 0 || end <= start || end > maxMapnr)
                throw source.malformed(field, "split range start_pfn 0x%x, end_pfn 0x%x is not inside [0, max_mapnr 0x%x)",
                        start, end, maxMapnr);
        }
        var index = new DescriptorIndex(dumpable, start, end);
        long descriptors = index.count();
        if (!header.incomplete())
            source.checkRange(header.descriptorOffset(), descriptors * PageDescriptor.SIZE,
                    "page descriptor table (" + descriptors + " descriptors)");

        List<ElfNote> notes = sub.hasNotes() ? ElfNotes.parse(source, sub.offsetNote(), sub.sizeNote()) : List.of();
        Optional<VmcoreInfo> vmcoreinfo = sub.hasVmcoreinfo()
                ? Optional.of(VmcoreInfo.parse(source.bytes(sub.offsetVmcoreinfo(), (int) sub.sizeVmcoreinfo()), source.name(),
                        sub.offsetVmcoreinfo()))
                : ElfNotes.vmcoreinfo(source, sub.offsetNote(), sub.sizeNote());

        var memory = new KdumpMemory(source, bs, maxMapnr, ram, dumpable, index, header.descriptorOffset(),
                header.incomplete(), cacheBudget);
        return new KdumpDump(source, header, sub, maxMapnr, memory, List.copyOf(notes), vmcoreinfo);
    }

    public KdumpHeader header() {
        return header;
    }

    /** The sub-header; {@link KdumpSubHeader#NONE} for a diskdump file. */
    public KdumpSubHeader subHeader() {
        return subHeader;
    }

    public boolean incomplete() {
        return header.incomplete();
    }

    /** Whether this is one file of a {@code --split} set. */
    public boolean isSplit() {
        return header.isKdump() && header.headerVersion() >= 2 && subHeader.isSplit();
    }

    /** First frame whose descriptor this file holds (0 unless split). */
    public long startPfn() {
        return memory.index().start();
    }

    /** One past the last frame whose descriptor this file holds ({@code max_mapnr} unless split). */
    public long endPfn() {
        return memory.index().end();
    }

    public long maxMapnr() {
        return maxMapnr;
    }

    /** Bitmap 1: the frames that are RAM. */
    public PfnBitmap ramBitmap() {
        return memory.ramBitmap();
    }

    /** Bitmap 2: the frames that were dumped (over all frames, also in a split file). */
    public PfnBitmap dumpableBitmap() {
        return memory.dumpableBitmap();
    }

    /** The page descriptor of a dumped frame of this file. */
    public PageDescriptor descriptor(long pfn) {
        if (!memory.index().covers(pfn))
            throw new MissingPageException(name(), pfn * header.blockSize(), memory.missingReason(pfn));
        return PageDescriptor.read(source, header.descriptorOffset() + memory.index().indexOf(pfn) * PageDescriptor.SIZE);
    }

    /**
     * The eraseinfo text (makedumpfile --config: which symbols were erased and how), when the
     * file has one (header version 5 and later).
     */
    public Optional<String> eraseinfo() {
        if (!subHeader.hasEraseinfo()) return Optional.empty();
        return Optional.of(new String(source.bytes(subHeader.offsetEraseinfo(), (int) subHeader.sizeEraseinfo()),
                StandardCharsets.ISO_8859_1));
    }

    @Override
    public String name() {
        return source.name();
    }

    @Override
    public DumpFormat format() {
        return header.isKdump() ? DumpFormat.KDUMP : DumpFormat.DISKDUMP;
    }

    @Override
    public PhysicalMemory memory() {
        return memory;
    }

    @Override
    public Optional<VmcoreInfo> vmcoreinfo() {
        return vmcoreinfo;
    }

    @Override
    public List<CpuState> cpuStates() {
        return ElfNotes.cpuStates(notes, name());
    }

    @Override
    public List<ElfNote> notes() {
        return notes;
    }

    @Override
    public DumpDescription describe() {
        var flags = new ArrayList<>(header.statusNames());
        if (isSplit()) flags.add(String.format("SPLIT(pfn 0x%x-0x%x)", startPfn(), endPfn()));
        if (!incomplete()) {
            long past = pagesPastTheEnd();
            if (past > 0) flags.add(String.format("TRUNCATED(%d pages lie past the end of the file at 0x%x)", past, source.size()));
        }
        return new DumpDescription(name(), format(), producer(), OptionalInt.of(header.headerVersion()), flags,
                incomplete(), header.announcedCodec().text(),
                header.isKdump() && header.headerVersion() >= 1 ? OptionalInt.of(subHeader.dumpLevel()) : OptionalInt.empty(),
                source.size(), ramRanges(memory.ramBitmap(), memory.dumpableBitmap(), header.blockSize(), startPfn(), endPfn(),
                memory::isPresent, incomplete()));
    }

    /**
     * How many dumped pages' data lies past the end of the file: a copy cut short without the
     * INCOMPLETE mark (makedumpfile sets it only when it fails itself). A scan of the page
     * descriptors, which the open checked to lie inside the file.
     */
    long pagesPastTheEnd() {
        long n = memory.index().count(), past = 0, size = source.size();
        for (long i = 0, at = header.descriptorOffset(); i < n; i++, at += PageDescriptor.SIZE) {
            long offset = source.u64(at);
            long len = Integer.toUnsignedLong(source.i32(at + 8));
            if (offset < 0 || offset > size - len) past++;
        }
        return past;
    }

    /** QEMU writes its own "QEMU" notes and leaves the utsname but for the machine empty. */
    private String producer() {
        if (notes.stream().anyMatch(n -> n.name().equals("QEMU")) || header.utsname().sysname().isEmpty() && header.isKdump())
            return "QEMU dump-guest-memory";
        return header.isKdump() ? "makedumpfile" : "diskdump";
    }

    /** Ranges cut into at most this many; more runs than this are summed into the last range. */
    static final int MAX_RANGES = 4096;

    /**
     * The runs of RAM frames as physical ranges, with how many frames of each are present and how
     * many were excluded (RAM, not dumped). {@code present} decides for dumped frames when the
     * dump is incomplete (lost pages are neither); otherwise dumped frames in {@code [start, end)}
     * are present.
     */
    static List<MemoryRange> ramRanges(PfnBitmap ram, PfnBitmap dumpable, int pageSize, long start, long end,
                                       java.util.function.LongPredicate present, boolean incomplete) {
        var ranges = new ArrayList<MemoryRange>();
        long pfn = ram.nextSetBit(0);
        while (pfn >= 0) {
            long runEnd = ram.nextClearBit(pfn);
            if (ranges.size() == MAX_RANGES - 1) runEnd = ram.size();
            long ramPages = ram.count(pfn, runEnd);
            long dumped = ram.countAnd(dumpable, pfn, runEnd);
            long presentPages;
            if (incomplete) {
                presentPages = 0;
                for (long p = dumpable.nextSetBit(Math.max(pfn, start)); p >= 0 && p < Math.min(runEnd, end); p = dumpable.nextSetBit(p + 1))
                    if (ram.get(p) && present.test(p)) presentPages++;
            } else {
                presentPages = ram.countAnd(dumpable, Math.max(pfn, start), Math.min(runEnd, end));
            }
            ranges.add(new MemoryRange(pfn * pageSize, runEnd * pageSize, presentPages, ramPages - dumped));
            pfn = runEnd >= ram.size() ? -1 : ram.nextSetBit(runEnd);
        }
        return ranges;
    }

    @Override
    public void close() {
        source.close();
    }
}
