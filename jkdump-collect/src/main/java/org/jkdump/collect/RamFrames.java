package org.jkdump.collect;

import java.util.List;
import org.jkdump.format.DumpFile;
import org.jkdump.format.ElfDump;
import org.jkdump.format.KdumpDump;
import org.jkdump.format.MissingPageException;
import org.jkdump.format.PfnBitmap;
import org.jkdump.format.PhysicalMemory;
import org.jkdump.format.write.RamRange;

/**
 * Bitmap 1 of makedumpfile — the frames of the crashed machine's RAM that the input
 * describes, whether it holds their bytes or had already filtered them out (re-filtering a
 * dump) — and the frames it holds bytes for. One bit per frame, built run by run from an ELF
 * input's PT_LOADs or a kdump input's own bitmaps, frame by frame otherwise.
 */
public final class RamFrames {
    private RamFrames() {
    }

    /** Every frame below the dump's last frame that is present or was excluded by a dump level. */
    public static PfnBitmap of(DumpFile dump) {
        var memory = dump.memory();
        long max = memory.maxPfn();
        var ram = PfnBitmap.allocate(max);
        int ps = memory.pageSize();
        switch (dump) {
            case ElfDump e -> {
                for (var s : e.segments())
                    if (s.memSize() > 0) ram.set(Math.min(max, s.paddr() / ps), Math.min(max, (s.paddr() + s.memSize() + ps - 1) / ps));
            }
            case KdumpDump k -> copyRuns(k.ramBitmap(), ram);
            default -> {
                for (long pfn = 0; pfn < max; pfn++)
                    if (memory.isPresent(pfn) || memory.missingReason(pfn) == MissingPageException.Reason.EXCLUDED) ram.set(pfn);
            }
        }
        return ram;
    }

    /** The frames of {@code ram} wholly inside one of {@code ranges}. */
    public static PfnBitmap within(PfnBitmap ram, List<RamRange> ranges, int pageSize) {
        var bits = PfnBitmap.allocate(ram.size());
        for (var r : ranges) {
            long lo = Math.min(ram.size(), (r.paddr() + pageSize - 1) / pageSize), hi = Math.min(ram.size(), r.end() / pageSize);
            for (long p = ram.nextSetBit(lo); p >= 0 && p < hi; ) {
                long q = Math.min(hi, clearOrEnd(ram, p));
                bits.set(p, q);
                p = q >= hi ? -1 : ram.nextSetBit(q);
            }
        }
        return bits;
    }

    /** The frames of {@code ram} that {@code dump} holds bytes for. */
    public static PfnBitmap present(DumpFile dump, PfnBitmap ram) {
        var memory = dump.memory();
        var bits = PfnBitmap.allocate(ram.size());
        int ps = memory.pageSize();
        switch (dump) {
            case ElfDump e -> {
                // whole or partial frames with file bytes (p_filesz), clipped to ram
                for (var s : e.segments()) {
                    if (s.fileSize() == 0) continue;
                    long lo = Math.min(ram.size(), s.paddr() / ps), hi = Math.min(ram.size(), (s.paddr() + s.fileSize() + ps - 1) / ps);
                    for (long p = ram.nextSetBit(lo); p >= 0 && p < hi; ) {
                        long q = Math.min(hi, clearOrEnd(ram, p));
                        bits.set(p, q);
                        p = q >= hi ? -1 : ram.nextSetBit(q);
                    }
                }
            }
            default -> {
                for (long p = ram.nextSetBit(0); p >= 0; p = ram.nextSetBit(p + 1))
                    if (memory.isPresent(p)) bits.set(p);
            }
        }
        return bits;
    }

    private static long clearOrEnd(PfnBitmap b, long from) {
        long c = b.nextClearBit(from);
        return c < 0 ? b.size() : c;
    }

    private static void copyRuns(PfnBitmap from, PfnBitmap to) {
        long n = Math.min(from.size(), to.size());
        for (long p = from.nextSetBit(0); p >= 0 && p < n; ) {
            long q = Math.min(n, clearOrEnd(from, p));
            to.set(p, q);
            p = q >= n ? -1 : from.nextSetBit(q);
        }
    }

    /** Frame by frame: for tests and any other input. */
    static PfnBitmap of(PhysicalMemory memory) {
        long max = memory.maxPfn();
        var ram = PfnBitmap.allocate(max);
        for (long pfn = 0; pfn < max; pfn++)
            if (memory.isPresent(pfn) || memory.missingReason(pfn) == MissingPageException.Reason.EXCLUDED) ram.set(pfn);
        return ram;
    }
}
