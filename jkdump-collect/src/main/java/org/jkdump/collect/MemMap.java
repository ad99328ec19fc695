package org.jkdump.collect;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.KernelMemory;
import org.jkdump.kernel.helpers.PageStruct;
import org.jkdump.kernel.x86.PagingMode;

/**
 * Where each page frame's {@code struct page} lives: the SPARSEMEM section table
 * ({@code mem_section}, include/linux/mmzone.h) decoded once. With SPARSEMEM_EXTREME the
 * table is a root array of {@code LENGTH(mem_section)} pointers, each to a page of
 * {@code struct mem_section}; a section's {@code section_mem_map} holds its mem_map minus
 * the section's first pfn times {@code SIZE(page)}, with flag bits in the low bits. Memory:
 * one long per section up to the dump's last frame (8 bytes per 128 MiB of RAM).
 */
public final class MemMap {
    /** mmzone.h: SECTION_MARKED_PRESENT. */
    private static final long SECTION_MARKED_PRESENT = 1;
    /**
     * The flag bits below the encoded mem_map (SECTION_MAP_LAST_BIT is bit 5 or 6 depending
     * on the kernel); the encoded address itself is aligned far beyond, since a section's
     * mem_map covers whole pages of struct page.
     */
    private static final long SECTION_MAP_MASK = ~0x3fL;

    private final int sectionShift;
    private final long[] memMaps;
    private final int structPageSize;

    private MemMap(int sectionShift, long[] memMaps, int structPageSize) {
        this.sectionShift = sectionShift;
        this.memMaps = memMaps;
        this.structPageSize = structPageSize;
    }

    /** Decodes the section table for frames {@code [0, maxPfn)}. */
    public static MemMap read(VmcoreInfo info, KernelMemory memory, int pageSize, long maxPfn) {
        long root = info.symbol("mem_section").orElseThrow(() -> missing(info, "SYMBOL(mem_section)"));
        long roots = info.length("mem_section").orElseThrow(() -> missing(info, "LENGTH(mem_section)"));
        long sectionSize = info.size("mem_section").orElseThrow(() -> missing(info, "SIZE(mem_section)"));
        long mapOffset = info.offset("mem_section", "section_mem_map").orElse(0);
        long sectionBits = info.number("SECTION_SIZE_BITS").orElseThrow(() -> missing(info, "NUMBER(SECTION_SIZE_BITS)"));
        long structPage = info.sizeWithin("page", PageStruct.MIN_SIZE, PageStruct.MAX_SIZE, WHY);
        int pageShift = Integer.numberOfTrailingZeros(pageSize);
        if (roots <= 0 || roots > 1 << 20 || sectionSize < 8 || sectionSize > pageSize || sectionBits <= pageShift || sectionBits > 40)
            throw info.problem(String.format("has an implausible mem_section layout (LENGTH(mem_section) %d, SIZE(mem_section) %d, "
                    + "NUMBER(SECTION_SIZE_BITS) %d)", roots, sectionSize, sectionBits));
        if (mapOffset < 0 || mapOffset > sectionSize - 8)
            throw info.invalid("OFFSET(mem_section.section_mem_map)", "does not fit inside the " + sectionSize + "-byte struct mem_section");
        int sectionShift = (int) (sectionBits - pageShift);
        long sections = (maxPfn + (1L << sectionShift) - 1) >>> sectionShift;
        if (sections > 1 << 24) throw new JkdumpException("the dump's last frame 0x" + Long.toHexString(maxPfn) + " needs too many memory sections");
        long perRoot = pageSize / sectionSize;
        // the section table and the mem_maps lie in the kernel's half, which 5-level paging
        // starts far lower (the direct map at 0xff11000000000000 and up)
        long kernelSpace = PagingMode.of(info.number("pgtable_l5_enabled").orElse(0) != 0).kernelHalfStart();
        // SYMBOL(mem_section) is the root array itself on kernels that export the pointer's
        // value; older ones export the variable's address, so try one dereference too.
        var maps = decode(memory, root, roots, perRoot, sectionSize, mapOffset, structPage, sectionShift, (int) sections, kernelSpace);
        if (maps == null) {
            long deref = memory.u64(root);
            maps = decode(memory, deref, roots, perRoot, sectionSize, mapOffset, structPage, sectionShift, (int) sections, kernelSpace);
        }
        if (maps == null) throw new JkdumpException(String.format("mem_section at 0x%016x holds no present memory section", root));
        return new MemMap(sectionShift, maps, (int) structPage);
    }

    private static long[] decode(KernelMemory memory, long rootAddr, long roots, long perRoot, long sectionSize, long mapOffset,
                                 long structPage, int sectionShift, int sections, long kernelSpace) {
        var maps = new long[sections];
        boolean any = false;
        long usedRoots = Math.min(roots, (sections + perRoot - 1) / perRoot);
        byte[] rootBytes;
        try {
            rootBytes = memory.read(rootAddr, (int) (usedRoots * 8));
        } catch (JkdumpException e) {
            return null;
        }
        var rb = ByteBuffer.wrap(rootBytes).order(ByteOrder.LITTLE_ENDIAN);
        var block = new byte[(int) (perRoot * sectionSize)];
        var bb = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < usedRoots; r++) {
            long sec = rb.getLong(r * 8);
            if (sec == 0) continue;
            if (Long.compareUnsigned(sec, kernelSpace) < 0) return null;
            try {
                memory.read(sec, block, 0, block.length);
            } catch (JkdumpException e) {
                return null;
            }
            for (int i = 0; i < perRoot; i++) {
                long nr = r * perRoot + i;
                if (nr >= sections) break;
                long raw = bb.getLong((int) (i * sectionSize + mapOffset));
                if ((raw & SECTION_MARKED_PRESENT) == 0) continue;
                long map = (raw & SECTION_MAP_MASK) + (nr << sectionShift) * structPage;
                if (Long.compareUnsigned(map, kernelSpace) < 0) return null;
                maps[(int) nr] = map;
                any = true;
            }
        }
        return any ? maps : null;
    }

    private static final String WHY = "the kernel's mem_map cannot be found, so pages cannot be classified by dump level";

    private static JkdumpException missing(VmcoreInfo info, String key) {
        return info.lacks(key, WHY);
    }

    /** Frames per memory section. */
    public long sectionFrames() {
        return 1L << sectionShift;
    }

    /** The virtual address of {@code pfn}'s struct page, or 0 when its section has no mem_map. */
    public long structPage(long pfn) {
        long nr = pfn >>> sectionShift;
        if (nr >= memMaps.length || memMaps[(int) nr] == 0) return 0;
        return memMaps[(int) nr] + (pfn - (nr << sectionShift)) * structPageSize;
    }

    /** Number of sections that have a mem_map. */
    public int presentSections() {
        int n = 0;
        for (long m : memMaps) if (m != 0) n++;
        return n;
    }
}
