package org.jkdump.kernel.x86;

import java.util.ArrayList;
import java.util.List;

/**
 * One page-table entry a walk read: its level, the physical address it was read from and its
 * 64-bit value. Flag bits follow arch/x86/include/asm/pgtable_types.h; {@link #flagNames}
 * spells them the way crash's {@code vtop} does.
 */
public record PageTableEntry(PageTableLevel level, long address, long value) {
    static final long PRESENT = 1L, RW = 1L << 1, USER = 1L << 2, PWT = 1L << 3, PCD = 1L << 4,
            ACCESSED = 1L << 5, DIRTY = 1L << 6, PSE = 1L << 7, GLOBAL = 1L << 8, NX = 1L << 63;
    /** _PAGE_PROTNONE shares bit 8 with _PAGE_GLOBAL; it only means PROT_NONE when PRESENT is clear. */
    static final long PROTNONE = GLOBAL;

    public boolean present() {
        return (value & PRESENT) != 0;
    }

    /** A PUD or PMD entry that maps a 1 GiB or 2 MiB page itself instead of pointing to a table. */
    public boolean largePage() {
        return level.mayMapLargePage() && (value & PSE) != 0;
    }

    /** Flag names as crash prints them after a PTE: PRESENT|RW|ACCESSED|DIRTY|PSE|GLOBAL|NX. */
    public List<String> flagNames() {
        var names = new ArrayList<String>();
        if (present()) names.add("PRESENT");
        else if ((value & PROTNONE) != 0) names.add("PROTNONE");
        if ((value & RW) != 0) names.add("RW");
        if ((value & USER) != 0) names.add("USER");
        if ((value & PWT) != 0) names.add("PWT");
        if ((value & PCD) != 0) names.add("PCD");
        if ((value & ACCESSED) != 0) names.add("ACCESSED");
        if ((value & DIRTY) != 0) names.add("DIRTY");
        if ((value & PSE) != 0 && level != PageTableLevel.PTE) names.add("PSE");
        if (present() && (value & GLOBAL) != 0) names.add("GLOBAL");
        if ((value & NX) != 0) names.add("NX");
        return names;
    }

    @Override
    public String toString() {
        return String.format("%s at %x = %016x", level, address, value);
    }
}
