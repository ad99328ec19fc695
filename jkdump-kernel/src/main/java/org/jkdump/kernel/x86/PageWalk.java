package org.jkdump.kernel.x86;

import java.util.List;

/**
 * A completed page-table walk: the virtual address, the physical address it maps to, the size
 * of the page that maps it (4 KiB, 2 MiB or 1 GiB) and every entry read on the way, top
 * level first — what crash's {@code vtop} shows.
 */
public record PageWalk(long vaddr, long paddr, long pageSize, List<PageTableEntry> entries) {
    public PageWalk {
        entries = List.copyOf(entries);
    }

    /** The entry that mapped the page (a PTE, or a PMD/PUD for a large page). */
    public PageTableEntry leaf() {
        return entries.getLast();
    }
}
