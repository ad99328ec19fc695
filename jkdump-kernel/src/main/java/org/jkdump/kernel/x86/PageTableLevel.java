package org.jkdump.kernel.x86;

/**
 * One level of the x86-64 page-table hierarchy, named as Linux names them: PGD (the top
 * table, CR3), P4D (only a table of its own with 5-level paging), PUD, PMD and PTE. Each
 * level's index field starts at {@link #shift} bits of the virtual address in the paging mode
 * it is used with; PUD and PMD entries may map a 1 GiB or 2 MiB page directly (the PSE bit).
 */
public enum PageTableLevel {
    PGD, P4D, PUD, PMD, PTE;

    /** Bit position of this level's 9-bit index in a virtual address under {@code mode}. */
    public int shift(PagingMode mode) {
        return switch (this) {
            case PGD -> mode == PagingMode.FIVE_LEVEL ? 48 : 39;
            case P4D -> 39;
            case PUD -> 30;
            case PMD -> 21;
            case PTE -> 12;
        };
    }

    /** Whether an entry of this level may map a page directly when its PSE bit is set. */
    public boolean mayMapLargePage() {
        return this == PUD || this == PMD;
    }
}
