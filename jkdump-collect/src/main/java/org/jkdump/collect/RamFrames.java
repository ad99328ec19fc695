package org.jkdump.collect;

import org.jkdump.format.MissingPageException;
import org.jkdump.format.PfnBitmap;
import org.jkdump.format.PhysicalMemory;

/**
 * Bitmap 1 of makedumpfile: the frames of the crashed machine's RAM that the input describes,
 * whether the input holds their bytes or had already filtered them out (re-filtering a
 * dump). One bit per frame.
 */
public final class RamFrames {
    private RamFrames() {
    }

    /** Every frame below {@code memory.maxPfn()} that is present or was excluded by a dump level. */
    public static PfnBitmap of(PhysicalMemory memory) {
        long max = memory.maxPfn();
        var ram = PfnBitmap.allocate(max);
        for (long pfn = 0; pfn < max; pfn++)
            if (memory.isPresent(pfn) || memory.missingReason(pfn) == MissingPageException.Reason.EXCLUDED) ram.set(pfn);
        return ram;
    }

    /** The frames of {@code ram} wholly inside one of {@code ranges}. */
    public static PfnBitmap within(PfnBitmap ram, java.util.List<org.jkdump.format.write.RamRange> ranges, int pageSize) {
        var bits = PfnBitmap.allocate(ram.size());
        for (var r : ranges) {
            long lo = (r.paddr() + pageSize - 1) / pageSize, hi = Math.min(ram.size(), r.end() / pageSize);
            for (long p = ram.nextSetBit(lo); p >= 0 && p < hi; p = ram.nextSetBit(p + 1)) bits.set(p);
        }
        return bits;
    }

    /** The frames of {@code ram} that {@code memory} holds bytes for. */
    public static PfnBitmap present(PhysicalMemory memory, PfnBitmap ram) {
        var bits = PfnBitmap.allocate(ram.size());
        for (long p = ram.nextSetBit(0); p >= 0; p = ram.nextSetBit(p + 1))
            if (memory.isPresent(p)) bits.set(p);
        return bits;
    }
}
