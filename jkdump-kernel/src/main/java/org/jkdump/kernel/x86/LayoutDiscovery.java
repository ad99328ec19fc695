package org.jkdump.kernel.x86;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jkdump.format.ElfDump;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.PhysicalMemory;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.x86.VirtualLayout.Base;
import org.jkdump.kernel.x86.VirtualLayout.Source;

/**
 * Finds an x86-64 kernel's {@link VirtualLayout} from VMCOREINFO, the page tables and (for ELF
 * dumps) the PT_LOAD headers, following the kernel's own rules rather than any one dump:
 * <ul>
 * <li>the direct map starts where the kernel's /proc/vmcore says (p_vaddr = __va(p_paddr) of
 *     RAM segments), else at the first page the kernel's top-level table maps at or above the
 *     lowest base memory KASLR may choose (the first MiB of RAM is always mapped, at
 *     page_offset_base, and KASLR puts the direct map first, on a 1 GiB boundary);</li>
 * <li>when the direct map sits at its fixed base, memory KASLR is off and vmalloc and vmemmap
 *     sit at theirs (kernel_randomize_memory() moves all three or none);</li>
 * <li>otherwise vmemmap is mem_section's encoded mem_map (sparse_encode_mem_map() stores
 *     mem_map minus the section's first pfn, which with SPARSEMEM_VMEMMAP is vmemmap itself),
 *     and vmalloc's base is the lowest vmap_area (vmap_area_list, sorted by address) or the
 *     first mapping above the direct map, rounded down to the 1 GiB alignment of KASLR's
 *     regions.</li>
 * </ul>
 */
public final class LayoutDiscovery {
    /** __PAGE_OFFSET_BASE before Linux 4.20 (which moved it up for the LDT remap). */
    static final long LEGACY_PAGE_OFFSET_L4 = 0xffff880000000000L;
    /** struct mem_section.section_mem_map's SECTION_HAS_MEM_MAP flag (include/linux/mmzone.h). */
    private static final long SECTION_HAS_MEM_MAP = 1L << 1;
    private static final long PAGE_MASK = ~0xfffL;

    private final PhysicalMemory memory;
    private final VmcoreInfo info;
    private final PagingMode mode;
    private final long physBase;
    private final OptionalLong imageSize;
    private final PageTables tables;
    private final int maxPhysmemBits;
    private final long directMapSize;
    private final long topTable;
    private final long kernelOffset;
    /** The layout so far: what the text mapping needs, no region bases yet. */
    private final VirtualLayout image;

    private LayoutDiscovery(PhysicalMemory memory, VmcoreInfo info, List<ElfDump.Segment> segments) {
        this.memory = memory;
        this.info = info;
        this.mode = PagingMode.of(info.number("pgtable_l5_enabled").orElse(0) != 0);
        this.kernelOffset = info.kernelOffset();
        this.imageSize = info.number("KERNEL_IMAGE_SIZE");
        // the text mapping and the module area share the top 2 GiB; KERNEL_IMAGE_SIZE is at most 1 GiB
        if (imageSize.isPresent() && (imageSize.getAsLong() <= 0 || imageSize.getAsLong() > (1L << 30)))
            throw new JkdumpException(memory.name() + ": VMCOREINFO NUMBER(KERNEL_IMAGE_SIZE)=" + imageSize.getAsLong()
                    + " is not between 1 and 1 GiB");
        this.physBase = info.number("phys_base").orElseGet(() -> physBaseFromSegments(segments));
        this.topTable = topTableSymbol(info, memory.name());
        long bits = info.number("MAX_PHYSMEM_BITS").orElse(mode.maxPhysmemBits());
        if (bits < 32 || bits > 52)
            throw new JkdumpException(memory.name() + ": VMCOREINFO NUMBER(MAX_PHYSMEM_BITS)=" + bits + " is outside 32..52");
        long ramEnd = (memory.maxPfn() * memory.pageSize() + VirtualLayout.PUD_SIZE - 1) & -VirtualLayout.PUD_SIZE;
        this.maxPhysmemBits = (int) bits;
        this.directMapSize = Math.min(ramEnd, 1L << bits);
        this.image = new VirtualLayout(mode, kernelOffset, physBase, imageSize, topTable, maxPhysmemBits, directMapSize,
                Optional.empty(), Optional.empty(), Optional.empty());
        if (!image.inTextMapping(topTable))
            throw new JkdumpException(String.format("%s: VMCOREINFO's top-level page table %016x is not in the kernel text mapping",
                    memory.name(), topTable));
        this.tables = new PageTables(memory, mode, image.textToPhysical(topTable), info.number("sme_mask").orElse(0));
    }

    /**
     * Discovers the layout. {@code segments} are an ELF dump's PT_LOADs (empty for other
     * formats).
     *
     * @throws JkdumpException when VMCOREINFO lacks the top-level page table's symbol
     */
    public static VirtualLayout discover(PhysicalMemory memory, VmcoreInfo info, List<ElfDump.Segment> segments) {
        return new LayoutDiscovery(memory, info, segments).run(segments);
    }

    /** The kernel's page tables the layout was discovered with. */
    public static PageTables kernelPageTables(PhysicalMemory memory, VmcoreInfo info, VirtualLayout layout) {
        return new PageTables(memory, layout.mode(), layout.textToPhysical(layout.topTable()), info.number("sme_mask").orElse(0));
    }

    private VirtualLayout run(List<ElfDump.Segment> segments) {
        var pageOffset = pageOffsetFromSegments(segments).or(this::pageOffsetFromPageTables);
        Optional<Base> vmalloc, vmemmap;
        if (pageOffset.isPresent() && isDefaultPageOffset(pageOffset.get().address())) {
            vmalloc = Optional.of(new Base(mode.defaultVmallocStart(), Source.DEFAULT));
            vmemmap = Optional.of(new Base(mode.defaultVmemmapStart(), Source.DEFAULT));
        } else {
            vmemmap = vmemmapFromMemSection(pageOffset);
            vmalloc = vmallocFromVmapAreaList().or(() -> vmallocFromPageTables(pageOffset, vmemmap));
        }
        return new VirtualLayout(mode, kernelOffset, physBase, imageSize, topTable, maxPhysmemBits, directMapSize, pageOffset, vmalloc, vmemmap);
    }

    private static long topTableSymbol(VmcoreInfo info, String dump) {
        for (var name : List.of("init_top_pgt", "init_level4_pgt", "swapper_pg_dir")) {
            var v = info.symbol(name);
            if (v.isPresent()) return v.getAsLong();
        }
        throw new JkdumpException(dump + ": VMCOREINFO has no SYMBOL(init_top_pgt) (nor init_level4_pgt, swapper_pg_dir):"
                + " cannot find the kernel's page tables");
    }

    /** Old kernels without NUMBER(phys_base): the kernel-text PT_LOAD relates the two addresses. */
    private static long physBaseFromSegments(List<ElfDump.Segment> segments) {
        for (var s : segments)
            if (Long.compareUnsigned(s.vaddr(), VirtualLayout.START_KERNEL_MAP) >= 0)
                return s.paddr() - (s.vaddr() - VirtualLayout.START_KERNEL_MAP);
        return 0;
    }

    private boolean isDefaultPageOffset(long base) {
        return base == mode.defaultPageOffset() || mode == PagingMode.FOUR_LEVEL && base == LEGACY_PAGE_OFFSET_L4;
    }

    private long lowestPageOffset() {
        return mode == PagingMode.FOUR_LEVEL ? LEGACY_PAGE_OFFSET_L4 : mode.defaultPageOffset();
    }

    /** Every RAM PT_LOAD of /proc/vmcore has p_vaddr = p_paddr + PAGE_OFFSET; they must agree. */
    private Optional<Base> pageOffsetFromSegments(List<ElfDump.Segment> segments) {
        Long found = null;
        for (var s : segments) {
            long v = s.vaddr();
            if (v == 0 || v == -1 || Long.compareUnsigned(v, lowestPageOffset()) < 0
                    || Long.compareUnsigned(v, VirtualLayout.START_KERNEL_MAP) >= 0) continue;
            long base = v - s.paddr();
            if (found != null && found != base) return Optional.empty();
            found = base;
        }
        return found == null ? Optional.empty() : Optional.of(new Base(found, Source.ELF_SEGMENTS));
    }

    private Optional<Base> pageOffsetFromPageTables() {
        return firstMapped(lowestPageOffset(), VirtualLayout.START_KERNEL_MAP)
                .map(w -> w.vaddr() - w.paddr())
                .filter(base -> (base & (VirtualLayout.PUD_SIZE - 1)) == 0 && Long.compareUnsigned(base, lowestPageOffset()) >= 0)
                .map(base -> new Base(base, Source.PAGE_TABLES));
    }

    private Optional<PageWalk> firstMapped(long from, long limit) {
        try {
            return tables.firstMapped(from, limit);
        } catch (JkdumpException e) {
            return Optional.empty();  // a damaged table: the base stays unknown, translation still walks
        }
    }

    /** SPARSEMEM_EXTREME's mem_section is a pointer to the root array, so SYMBOL() holds a direct-map address. */
    private Optional<Base> vmemmapFromMemSection(Optional<Base> pageOffset) {
        var sym = info.symbol("mem_section");
        var roots = info.length("mem_section");
        var size = info.size("mem_section");
        var mapOffset = info.offset("mem_section", "section_mem_map");
        if (sym.isEmpty() || roots.isEmpty() || size.isEmpty() || mapOffset.isEmpty() || size.getAsLong() <= 0) return Optional.empty();
        boolean extreme = !image.inTextMapping(sym.getAsLong());
        long perRoot = extreme ? 4096 / size.getAsLong() : 1;
        long nRoots = Math.min(roots.getAsLong(), 1 << 20);
        try {
            for (long r = 0; r < nRoots; r++) {
                long root = extreme ? readU64(sym.getAsLong() + r * 8) : sym.getAsLong() + r * size.getAsLong();
                if (root == 0) continue;
                for (long i = 0; i < perRoot; i++) {
                    long map = readU64(root + i * size.getAsLong() + mapOffset.getAsLong());
                    if ((map & SECTION_HAS_MEM_MAP) == 0) continue;
                    long vmemmap = map & PAGE_MASK;
                    boolean plausible = mode.isCanonical(vmemmap) && vmemmap < 0
                            && Long.compareUnsigned(vmemmap, VirtualLayout.START_KERNEL_MAP) < 0
                            && pageOffset.map(p -> Long.compareUnsigned(vmemmap, p.address()) > 0).orElse(true);
                    return plausible ? Optional.of(new Base(vmemmap, Source.MEM_SECTION)) : Optional.empty();
                }
            }
        } catch (JkdumpException e) {
            return Optional.empty();  // mem_section unreadable (filtered, damaged): vmemmap stays unknown
        }
        return Optional.empty();
    }

    private Optional<Base> vmallocFromVmapAreaList() {
        var head = info.symbol("vmap_area_list");
        var listOffset = info.offset("vmap_area", "list");
        var startOffset = info.offset("vmap_area", "va_start");
        if (head.isEmpty() || listOffset.isEmpty() || startOffset.isEmpty()) return Optional.empty();
        try {
            long first = readU64(head.getAsLong());
            if (first == head.getAsLong() || first == 0) return Optional.empty();
            long start = readU64(first - listOffset.getAsLong() + startOffset.getAsLong());
            if (!mode.isCanonical(start) || start >= 0) return Optional.empty();
            return Optional.of(new Base(start & -VirtualLayout.PUD_SIZE, Source.VMAP_AREA_LIST));
        } catch (JkdumpException e) {
            return Optional.empty();
        }
    }

    /** KASLR orders the regions direct map, vmalloc, vmemmap: the first mapping past RAM's end is vmalloc's. */
    private Optional<Base> vmallocFromPageTables(Optional<Base> pageOffset, Optional<Base> vmemmap) {
        if (pageOffset.isEmpty() || vmemmap.isEmpty()) return Optional.empty();
        return firstMapped(pageOffset.get().address() + directMapSize, vmemmap.get().address())
                .map(w -> new Base(w.vaddr() & -VirtualLayout.PUD_SIZE, Source.PAGE_TABLES));
    }

    private long readU64(long vaddr) {
        long paddr = image.inTextMapping(vaddr) ? image.textToPhysical(vaddr) : tables.walk(vaddr).paddr();
        return memory.u64(paddr);
    }
}
