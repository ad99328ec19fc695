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

    /** The frames {@code memory} holds bytes for. */
    public static PfnBitmap present(PhysicalMemory memory) {
        long max = memory.maxPfn();
        var bits = PfnBitmap.allocate(max);
        memory.presentFrames().forEach(bits::set);
        return bits;
    }
}
