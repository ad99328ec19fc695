package org.jkdump.format.write;

import java.util.Comparator;
import java.util.List;
import org.jkdump.format.ElfNote;
import org.jkdump.format.PfnBitmap;
import org.jkdump.format.Utsname;

/**
 * What a writer is asked to write, apart from the page bytes themselves: the page size, the
 * RAM ranges, which frames to keep (makedumpfile's bitmap 2, after filtering by dump level),
 * the notes (NT_PRSTATUS per CPU, VMCOREINFO, ...), and for kdump-compressed files the kernel's
 * utsname, the crash time, phys_base and the dump level. The writer then expects exactly the
 * kept frames, in ascending order.
 *
 * @param keep      frames to write; a frame outside every RAM range must not be set
 * @param crashTime seconds since the epoch (VMCOREINFO's CRASHTIME; the kdump header's timestamp)
 */
public record DumpPlan(int pageSize, List<RamRange> ranges, PfnBitmap keep, List<ElfNote> notes, Utsname utsname,
                       long crashTime, long physBase, int dumpLevel) {
    public DumpPlan {
        if (pageSize < 512 || Integer.bitCount(pageSize) != 1)
            throw new IllegalArgumentException("page size " + pageSize + " is not a power of two >= 512");
        ranges = ranges.stream().sorted(Comparator.comparingLong(RamRange::paddr)).toList();
        notes = List.copyOf(notes);
        for (int i = 1; i < ranges.size(); i++)
            if (ranges.get(i).paddr() < ranges.get(i - 1).end())
                throw new IllegalArgumentException(String.format("RAM ranges overlap at 0x%x: merge them (a frame is written once)",
                        ranges.get(i).paddr()));
        if (ranges.isEmpty()) throw new IllegalArgumentException("no RAM range to write");
        long maxPfn = (ranges.getLast().end() + pageSize - 1) / pageSize;
        if (keep.size() < maxPfn) throw new IllegalArgumentException("keep bitmap of " + keep.size() + " frames, RAM ends at frame " + maxPfn);
        long beyond = keep.nextSetBit(maxPfn);
        if (beyond >= 0) throw new IllegalArgumentException(String.format("frame 0x%x is kept but lies past the last RAM range", beyond));
        for (long p = keep.nextSetBit(0); p >= 0; ) {
            long runEnd = keep.nextClearBit(p);
            long pfn = p;
            var covering = ranges.stream().filter(r -> r.paddr() < (pfn + 1) * pageSize && r.end() > pfn * pageSize).findFirst();
            if (covering.isEmpty()) throw new IllegalArgumentException(String.format("frame 0x%x is kept but is in no RAM range", p));
            long next = (covering.get().end() + pageSize - 1) / pageSize;
            p = next < runEnd ? next : keep.nextSetBit(runEnd);
        }
    }

    /** x86-64's direct map without KASLR (page_offset_base's default); used when the dump does not say. */
    static final long DEFAULT_DIRECT_MAP = 0xffff888000000000L;
    /** __START_KERNEL_map: PT_LOADs at or above it map the kernel image, not the direct map. */
    private static final long KERNEL_MAP = 0xffffffff80000000L;

    /**
     * The plan that rewrites {@code dump} as it is: its RAM ranges, its present frames kept, its
     * notes, and the kernel identity from its header or VMCOREINFO. Range virtual addresses come
     * from an ELF dump's direct-map PT_LOADs; a kdump-compressed file does not record them, so
     * they are {@link #DEFAULT_DIRECT_MAP} + paddr (readers take phys_base from VMCOREINFO).
     */
    public static DumpPlan copyOf(org.jkdump.format.DumpFile dump) {
        var mem = dump.memory();
        int ps = mem.pageSize();
        var keep = PfnBitmap.allocate(mem.maxPfn());
        mem.presentFrames().forEach(keep::set);
        var ranges = dump.describe().ranges().stream()
                .map(r -> new RamRange(r.start(), r.end() - r.start(), directMapAddress(dump, r.start()))).toList();
        var vi = dump.vmcoreinfo();
        Utsname uts;
        long time, physBase;
        int level;
        if (dump instanceof org.jkdump.format.KdumpDump kd) {
            uts = kd.header().utsname();
            time = kd.header().timestampSeconds();
            physBase = kd.subHeader().physBase();
            level = kd.subHeader().dumpLevel();
        } else {
            uts = Utsname.linux(vi.flatMap(v -> v.osRelease()).orElse(""), "");
            time = vi.map(v -> v.crashTime().orElse(0)).orElse(0L);
            physBase = vi.map(v -> v.number("phys_base").orElse(0)).orElse(0L);
            level = 0;
        }
        return new DumpPlan(ps, ranges, keep, dump.notes(), uts, time, physBase, level);
    }

    private static long directMapAddress(org.jkdump.format.DumpFile dump, long paddr) {
        if (dump instanceof org.jkdump.format.ElfDump elf)
            for (var s : elf.segments())
                if (Long.compareUnsigned(s.vaddr(), KERNEL_MAP) < 0 && paddr >= s.paddr() && paddr < s.paddr() + s.memSize())
                    return s.vaddr() + (paddr - s.paddr());
        return DEFAULT_DIRECT_MAP + paddr;
    }

    /** One past the highest frame of RAM: kdump's {@code max_mapnr}. */
    public long maxPfn() {
        return (ranges.getLast().end() + pageSize - 1) / pageSize;
    }

    /** Whether any byte of frame {@code pfn} is RAM (bitmap 1). */
    public boolean isRam(long pfn) {
        long lo = pfn * pageSize, hi = lo + pageSize;
        int a = 0, b = ranges.size() - 1;
        while (a <= b) {
            int m = (a + b) >>> 1;
            var r = ranges.get(m);
            if (r.end() <= lo) a = m + 1;
            else if (r.paddr() >= hi) b = m - 1;
            else return true;
        }
        return false;
    }

    /** Number of NT_PRSTATUS notes: the CPUs the dump describes. */
    public int cpus() {
        return (int) notes.stream().filter(ElfNote::isPrStatus).count();
    }
}
