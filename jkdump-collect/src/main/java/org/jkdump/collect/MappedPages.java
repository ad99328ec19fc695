package org.jkdump.collect;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jkdump.format.ElfDump;

/**
 * Where the whole pages of an ELF dump read through one mapping (/proc/vmcore, a raw copy of
 * it) lie in that mapping, so that compression threads read them in place: no copy through
 * the calling thread, which then only hands out frame numbers and writes. Frames the file does
 * not hold whole (partial PT_LOADs, other formats) have no offset, and the caller reads them
 * the ordinary way. Lookups are by ascending frame, as the pipeline asks, with a cursor.
 */
final class MappedPages {
    private final MemorySegment mapping;
    private final long[] pfnStart, pfnEnd, fileOffset;  // whole-page runs of file data, by frame
    private final int pageSize;
    private int cursor;

    private MappedPages(MemorySegment mapping, long[] pfnStart, long[] pfnEnd, long[] fileOffset, int pageSize) {
        this.mapping = mapping;
        this.pfnStart = pfnStart;
        this.pfnEnd = pfnEnd;
        this.fileOffset = fileOffset;
        this.pageSize = pageSize;
    }

    /** The page runs of {@code input}, when it is an ELF dump read through a mapping. */
    static Optional<MappedPages> of(CollectInput input) {
        if (!(input.dump() instanceof ElfDump elf) || input.mapping().isEmpty()) return Optional.empty();
        var mapping = input.mapping().get().segment();
        int ps = elf.memory().pageSize();
        var segs = new ArrayList<>(elf.segments());
        segs.sort(Comparator.comparingLong(ElfDump.Segment::paddr));
        // Where segments overlap (the kernel-text PT_LOAD inside a RAM one), the physical
        // memory reader takes the bytes from the one that starts last: so does this, by painting
        // each segment over the runs before it. Frames a segment covers only in part get no run.
        var runs = new ArrayList<long[]>();  // {first pfn, end pfn, file offset of first}
        for (var s : segs) {
            long data = s.fileSize() <= 0 || s.offset() < 0 ? 0 : Math.max(0, Math.min(s.fileSize(), mapping.byteSize() - s.offset()));
            if (data == 0 || s.paddr() < 0) continue;
            long touchFirst = Math.floorDiv(s.paddr(), ps), touchEnd = Math.ceilDiv(s.paddr() + data, ps);
            long first = Math.ceilDiv(s.paddr(), ps), end = Math.floorDiv(s.paddr() + data, ps);
            var tail = new ArrayList<long[]>();
            for (var it = runs.listIterator(); it.hasNext(); ) {
                var r = it.next();
                if (r[1] <= touchFirst || r[0] >= touchEnd) continue;
                it.remove();
                if (r[0] < touchFirst) it.add(new long[] {r[0], touchFirst, r[2]});
                if (r[1] > touchEnd) tail.add(new long[] {touchEnd, r[1], r[2] + (touchEnd - r[0]) * ps});
            }
            if (end > first) runs.add(new long[] {first, end, s.offset() + (first * ps - s.paddr())});
            runs.addAll(tail);
            runs.sort(Comparator.comparingLong(r -> r[0]));
        }
        return Optional.of(new MappedPages(mapping, runs.stream().mapToLong(r -> r[0]).toArray(),
                runs.stream().mapToLong(r -> r[1]).toArray(), runs.stream().mapToLong(r -> r[2]).toArray(), ps));
    }

    /**
     * Offset of frame {@code pfn}'s page in the mapping, or -1 when the file does not hold it
     * whole. Fastest when frames come in ascending order.
     */
    long offset(long pfn) {
        if (cursor >= pfnStart.length || pfn < pfnStart[cursor]) cursor = 0;
        while (cursor < pfnStart.length && pfnEnd[cursor] <= pfn) cursor++;
        if (cursor >= pfnStart.length || pfn < pfnStart[cursor]) return -1;
        return fileOffset[cursor] + (pfn - pfnStart[cursor]) * pageSize;
    }

    /** The page at {@code offset} of the mapping. */
    MemorySegment page(long offset) {
        return mapping.asSlice(offset, pageSize);
    }

    /** The whole mapping. */
    MemorySegment mapping() {
        return mapping;
    }
}
