package org.jkdump.format;

/**
 * Finds the page descriptor of a frame in a kdump-compressed file. The file holds one
 * descriptor per dumpable frame (a set bit of bitmap 2) in frame order, restricted to
 * {@code [start_pfn, end_pfn)} in a split file; so a frame's descriptor index is the number of
 * dumpable frames before it. Counts at every {@value #BLOCK}-frame boundary are computed once,
 * leaving at most {@value #BLOCK}/64 word popcounts per lookup (crash's {@code valid_pages}
 * idea, with smaller blocks).
 */
final class DescriptorIndex {
    static final int BLOCK = 1024;

    private final PfnBitmap dumpable;
    private final long start, end;
    private final long[] before;  // dumpable frames in [start, max(start, blockStart))
    private final long count;

    DescriptorIndex(PfnBitmap dumpable, long start, long end) {
        this.dumpable = dumpable;
        this.start = start;
        this.end = Math.min(end, dumpable.size());
        long firstBlock = start / BLOCK, blocks = Math.max(0, (this.end + BLOCK - 1) / BLOCK - firstBlock);
        if (blocks > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("too many frames: " + this.end);
        before = new long[(int) blocks + 1];
        long n = 0;
        for (int b = 0; b < blocks; b++) {
            before[b] = n;
            long lo = Math.max(start, (firstBlock + b) * BLOCK), hi = Math.min(this.end, (firstBlock + b + 1) * BLOCK);
            n += dumpable.count(lo, hi);
        }
        before[(int) blocks] = n;
        count = n;
    }

    /** Number of descriptors: dumpable frames in {@code [start, end)}. */
    long count() {
        return count;
    }

    long start() {
        return start;
    }

    long end() {
        return end;
    }

    /** Whether {@code pfn} has a descriptor in this file. */
    boolean covers(long pfn) {
        return pfn >= start && pfn < end && dumpable.get(pfn);
    }

    /** The descriptor index of {@code pfn}; only meaningful when {@link #covers} is true. */
    long indexOf(long pfn) {
        int b = (int) (pfn / BLOCK - start / BLOCK);
        return before[b] + dumpable.count(Math.max(start, pfn - pfn % BLOCK), pfn);
    }
}
