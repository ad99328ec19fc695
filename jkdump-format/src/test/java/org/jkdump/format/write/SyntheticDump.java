package org.jkdump.format.write;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jkdump.format.CpuState;
import org.jkdump.format.ElfNote;
import org.jkdump.format.PfnBitmap;
import org.jkdump.format.Utsname;
import org.jkdump.format.X86Registers;

/**
 * A small machine for round trips, all of it derived from one seed: RAM ranges with holes
 * (one ending mid-page), which frames are kept, and each frame's bytes — a quarter zero pages,
 * some compressible text-like pages, the rest random (incompressible, stored raw).
 */
public record SyntheticDump(long seed, int pageSize, DumpPlan plan) {
    public static SyntheticDump of(long seed, int pageSize) {
        var rnd = new SplittableRandom(seed);
        var ranges = new ArrayList<RamRange>();
        long pfn = 1 + rnd.nextInt(8);
        for (int i = 0; i < 3; i++) {
            long frames = 100 + rnd.nextInt(400);
            long size = frames * pageSize - (i == 0 ? pageSize / 4 : 0); // the first range ends mid-page, as RAM below 640K does
            ranges.add(new RamRange(pfn * pageSize, size, 0xffff888000000000L + pfn * pageSize));
            pfn += frames + 1 + rnd.nextInt(300);
        }
        long maxPfn = (ranges.getLast().end() + pageSize - 1) / pageSize;
        var keep = PfnBitmap.allocate(maxPfn);
        for (var r : ranges) {
            long p = r.paddr() / pageSize, end = (r.end() + pageSize - 1) / pageSize;
            while (p < end) { // runs of kept and excluded frames, some longer than 256
                long run = 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 300 : 20);
                boolean kept = rnd.nextInt(3) != 0;
                for (long q = p; q < Math.min(end, p + run); q++) if (kept) keep.set(q);
                p += run;
            }
        }
        var notes = new ArrayList<ElfNote>();
        for (int cpu = 0; cpu < 2; cpu++) {
            var regs = ByteBuffer.allocate(X86Registers.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int r = 0; r < X86Registers.COUNT; r++) regs.putLong(rnd.nextLong());
            notes.add(new ElfNote("CORE", ElfNote.NT_PRSTATUS,
                    new CpuState(cpu, 100 + cpu, 0, X86Registers.decode(regs.array(), 0)).toPrStatus()));
        }
        notes.add(new ElfNote("VMCOREINFO", 0, ("OSRELEASE=6.1.0-synthetic\nPAGESIZE=" + pageSize + "\nCRASHTIME=1795715813\n"
                + "NUMBER(phys_base)=-111149056\nSEED=" + seed + "\n").getBytes()));
        var plan = new DumpPlan(pageSize, ranges, keep, notes, Utsname.linux("6.1.0-synthetic", "#1 SMP seed " + seed),
                1795715813L, -111149056L, 31);
        return new SyntheticDump(seed, pageSize, plan);
    }

    /** The bytes of frame {@code pfn}, the same every time. */
    public byte[] page(long pfn) {
        var rnd = new SplittableRandom(seed * 0x9e3779b97f4a7c15L + pfn);
        var page = new byte[pageSize];
        switch (rnd.nextInt(4)) {
            case 0 -> { } // zero page
            case 1 -> { // compressible: a few words repeated
                var words = List.of("task_struct ", "page ", "0000000000000000 ", "swapper/0 ");
                for (int i = 0; i < pageSize; ) {
                    var w = words.get(rnd.nextInt(words.size())).getBytes();
                    for (int j = 0; j < w.length && i < pageSize; j++) page[i++] = w[j];
                }
            }
            default -> {
                for (int i = 0; i < pageSize; i++) page[i] = (byte) rnd.nextInt(256);
            }
        }
        return page;
    }

    /** Feeds every kept frame to {@code writer} and finishes. */
    public void writeAll(DumpWriter writer) {
        for (long p = writer.nextPfn(); p >= 0; p = writer.nextPfn()) writer.writePage(p, page(p), 0);
        writer.finish();
    }

    boolean isRam(long pfn) {
        return plan.isRam(pfn);
    }
}
