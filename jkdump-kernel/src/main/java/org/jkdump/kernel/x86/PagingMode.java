package org.jkdump.kernel.x86;

import java.util.List;

/**
 * x86-64 paging: 4-level (48-bit virtual addresses) or 5-level (LA57, 57-bit), as
 * VMCOREINFO's {@code NUMBER(pgtable_l5_enabled)} says. The mode fixes the walk's levels
 * and the kernel's default (non-randomised) region bases
 * (arch/x86/include/asm/pgtable_64_types.h, page_64_types.h).
 */
public enum PagingMode {
    FOUR_LEVEL(48, List.of(PageTableLevel.PGD, PageTableLevel.PUD, PageTableLevel.PMD, PageTableLevel.PTE),
            0xffff888000000000L, 0xffffc90000000000L, 0xffffea0000000000L, 46),
    FIVE_LEVEL(57, List.of(PageTableLevel.PGD, PageTableLevel.P4D, PageTableLevel.PUD, PageTableLevel.PMD, PageTableLevel.PTE),
            0xff11000000000000L, 0xffa0000000000000L, 0xffd4000000000000L, 52);

    private final int virtualBits;
    private final List<PageTableLevel> levels;
    private final long defaultPageOffset, defaultVmallocStart, defaultVmemmapStart;
    private final int maxPhysmemBits;

    PagingMode(int virtualBits, List<PageTableLevel> levels, long defaultPageOffset, long defaultVmallocStart,
               long defaultVmemmapStart, int maxPhysmemBits) {
        this.virtualBits = virtualBits;
        this.levels = levels;
        this.defaultPageOffset = defaultPageOffset;
        this.defaultVmallocStart = defaultVmallocStart;
        this.defaultVmemmapStart = defaultVmemmapStart;
        this.maxPhysmemBits = maxPhysmemBits;
    }

    /** The mode VMCOREINFO's {@code NUMBER(pgtable_l5_enabled)} value selects (absent: 4-level). */
    public static PagingMode of(boolean l5Enabled) {
        return l5Enabled ? FIVE_LEVEL : FOUR_LEVEL;
    }

    public int virtualBits() {
        return virtualBits;
    }

    /** The levels a walk visits, top first. */
    public List<PageTableLevel> levels() {
        return levels;
    }

    /** __PAGE_OFFSET_BASE_L4/_L5: the direct map's base when memory KASLR is off. */
    public long defaultPageOffset() {
        return defaultPageOffset;
    }

    /** __VMALLOC_BASE_L4/_L5. */
    public long defaultVmallocStart() {
        return defaultVmallocStart;
    }

    /** __VMEMMAP_BASE_L4/_L5. */
    public long defaultVmemmapStart() {
        return defaultVmemmapStart;
    }

    /** MAX_PHYSMEM_BITS: the direct map spans 2^bits bytes. */
    public int maxPhysmemBits() {
        return maxPhysmemBits;
    }

    /**
     * Where the kernel's half of the address space begins: the lowest canonical address with
     * the top bit set (0xffff800000000000 with 4 levels, 0xff00000000000000 with 5).
     */
    public long kernelHalfStart() {
        return -1L << (virtualBits - 1);
    }

    /** Whether {@code vaddr} is canonical: bits 63..(virtualBits-1) all equal. */
    public boolean isCanonical(long vaddr) {
        long top = vaddr >> (virtualBits - 1);
        return top == 0 || top == -1;
    }
}
