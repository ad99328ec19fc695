package org.jkdump.format;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.LongStream;

/**
 * A dump written by {@code makedumpfile --split} into several kdump-compressed files, opened
 * as one. Each part carries the same header, notes and full bitmaps, and the descriptors and
 * pages of its {@code [start_pfn, end_pfn)} (sub-header, split=1). The parts must come from
 * the same crash and together cover every frame from 0 to {@code max_mapnr}, without overlap.
 */
public final class SplitDump implements DumpFile {
    private final List<KdumpDump> parts;  // sorted by start pfn
    private final long[] starts;
    private final SplitMemory memory;

    private SplitDump(List<KdumpDump> parts) {
        this.parts = parts;
        this.starts = parts.stream().mapToLong(KdumpDump::startPfn).toArray();
        this.memory = new SplitMemory();
    }

    /**
     * Joins the parts of a split dump; on success the returned dump owns them. Fails when a file
     * is not a split part, when parts come from different dumps, or when they leave frames
     * uncovered or overlap.
     */
    public static SplitDump of(List<KdumpDump> parts) {
        if (parts.isEmpty()) throw new JkdumpException("a split dump needs at least one part");
        for (var p : parts)
            if (!p.isSplit())
                throw new JkdumpException(p.name() + ": not part of a split dump (the kdump sub-header says split=0); "
                        + "give several files only for a makedumpfile --split set");
        var first = parts.getFirst();
        for (var p : parts.subList(1, parts.size())) sameDump(first, p);
        var sorted = parts.stream().sorted(Comparator.comparingLong(KdumpDump::startPfn)).toList();
        long next = 0;
        KdumpDump previous = null;
        for (var p : sorted) {
            if (p.startPfn() > next)
                throw new JkdumpException(String.format("split dump: no part holds frames 0x%x-0x%x (%s); a part is missing",
                        next, p.startPfn(), previous == null ? "before " + p.name() : "between " + previous.name() + " and " + p.name()));
            if (p.startPfn() < next)
                throw new JkdumpException(String.format("split dump: %s and %s both hold frames 0x%x-0x%x",
                        previous.name(), p.name(), p.startPfn(), Math.min(next, p.endPfn())));
            next = p.endPfn();
            previous = p;
        }
        if (next < first.maxMapnr())
            throw new JkdumpException(String.format("split dump: no part holds frames 0x%x-0x%x (after %s); a part is missing",
                    next, first.maxMapnr(), previous.name()));
        return new SplitDump(sorted);
    }

    /** Parts of one dump share the header identity and the bitmaps (crash compares the headers the same way). */
    private static void sameDump(KdumpDump a, KdumpDump b) {
        var x = a.header();
        var y = b.header();
        differ(a, b, "header_version", x.headerVersion(), y.headerVersion());
        differ(a, b, "utsname", x.utsname(), y.utsname());
        differ(a, b, "crash timestamp", x.timestampSeconds() + "." + x.timestampMicros(), y.timestampSeconds() + "." + y.timestampMicros());
        differ(a, b, "block_size", x.blockSize(), y.blockSize());
        differ(a, b, "max_mapnr", a.maxMapnr(), b.maxMapnr());
        differ(a, b, "nr_cpus", x.nrCpus(), y.nrCpus());
        differ(a, b, "bitmap_blocks", x.bitmapBlocks(), y.bitmapBlocks());
        if (!sameBits(a.ramBitmap(), b.ramBitmap()) || !sameBits(a.dumpableBitmap(), b.dumpableBitmap()))
            throw new JkdumpException(a.name() + " and " + b.name() + " are not parts of the same dump: their memory bitmaps differ");
    }

    private static void differ(KdumpDump a, KdumpDump b, String what, Object va, Object vb) {
        if (!Objects.equals(va, vb))
            throw new JkdumpException(a.name() + " and " + b.name() + " are not parts of the same dump: their headers differ in "
                    + what + " (" + va + " vs " + vb + ")");
    }

    private static boolean sameBits(PfnBitmap a, PfnBitmap b) {
        if (a.size() != b.size()) return false;
        for (long w = 0; w < (a.size() + 63) / 64; w++)
            if (a.word(w) != b.word(w)) return false;
        return true;
    }

    /** The parts, ordered by their first frame. */
    public List<KdumpDump> parts() {
        return parts;
    }

    private KdumpDump partOf(long pfn) {
        int i = java.util.Arrays.binarySearch(starts, pfn);
        if (i < 0) i = -i - 2;
        return i >= 0 && pfn < parts.get(i).endPfn() ? parts.get(i) : null;
    }

    @Override
    public String name() {
        return String.join(" + ", parts.stream().map(KdumpDump::name).toList());
    }

    @Override
    public DumpFormat format() {
        return DumpFormat.SPLIT;
    }

    @Override
    public PhysicalMemory memory() {
        return memory;
    }

    @Override
    public Optional<VmcoreInfo> vmcoreinfo() {
        return parts.getFirst().vmcoreinfo();
    }

    @Override
    public List<CpuState> cpuStates() {
        return parts.getFirst().cpuStates();
    }

    @Override
    public List<ElfNote> notes() {
        return parts.getFirst().notes();
    }

    @Override
    public DumpDescription describe() {
        var first = parts.getFirst();
        var h = first.header();
        boolean incomplete = parts.stream().anyMatch(KdumpDump::incomplete);
        var flags = new ArrayList<String>(h.withStatus(h.status() & ~KdumpHeader.DUMP_DH_COMPRESSED_INCOMPLETE).statusNames());
        if (incomplete) flags.add("INCOMPLETE");
        for (var p : parts) flags.add(String.format("PART(%s: pfn 0x%x-0x%x)", p.name(), p.startPfn(), p.endPfn()));
        long size = parts.stream().mapToLong(p -> p.describe().fileSize()).sum();
        var d = first.describe();
        return new DumpDescription(name(), DumpFormat.SPLIT, d.producer() + " --split", OptionalInt.of(h.headerVersion()), flags,
                incomplete, d.compression(), d.dumpLevel(), size,
                KdumpDump.ramRanges(first.ramBitmap(), first.dumpableBitmap(), h.blockSize(), 0, first.maxMapnr(),
                        memory::isPresent, incomplete));
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (var p : parts) {
            try {
                p.close();
            } catch (RuntimeException e) {
                if (failure == null) failure = e;
            }
        }
        if (failure != null) throw failure;
    }

    /** Routes each frame to the part that holds it. */
    private final class SplitMemory implements PhysicalMemory {
        @Override
        public int pageSize() {
            return parts.getFirst().memory().pageSize();
        }

        @Override
        public long maxPfn() {
            return parts.getFirst().maxMapnr();
        }

        @Override
        public boolean isPresent(long pfn) {
            var p = partOf(pfn);
            return p != null && p.memory().isPresent(pfn);
        }

        @Override
        public LongStream presentFrames() {
            return parts.stream().flatMapToLong(p -> p.memory().presentFrames());
        }

        @Override
        public long presentCount() {
            return parts.stream().mapToLong(p -> p.memory().presentCount()).sum();
        }

        @Override
        public MissingPageException.Reason missingReason(long pfn) {
            var p = partOf(pfn);
            return p == null ? MissingPageException.Reason.NOT_IN_DUMP : p.memory().missingReason(pfn);
        }

        @Override
        public String name() {
            return SplitDump.this.name();
        }

        @Override
        public void readPage(long pfn, byte[] dst, int dstOff) {
            var p = partOf(pfn);
            if (p == null) throw new MissingPageException(name(), pfn * pageSize(), MissingPageException.Reason.NOT_IN_DUMP);
            p.memory().readPage(pfn, dst, dstOff);
        }

        @Override
        public void read(long paddr, byte[] dst, int dstOff, int len) {
            int ps = pageSize();
            while (len > 0) {
                long pfn = Long.divideUnsigned(paddr, ps);
                int n = (int) Math.min(len, ps - Long.remainderUnsigned(paddr, ps));
                var p = partOf(pfn);
                if (p == null) throw new MissingPageException(name(), paddr, MissingPageException.Reason.NOT_IN_DUMP);
                p.memory().read(paddr, dst, dstOff, n);
                paddr += n;
                dstOff += n;
                len -= n;
            }
        }
    }
}
