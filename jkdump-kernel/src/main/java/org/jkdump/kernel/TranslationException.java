package org.jkdump.kernel;

import java.util.Optional;
import org.jkdump.kernel.x86.PageTableEntry;
import org.jkdump.kernel.x86.PageTableLevel;

/**
 * A virtual address that could not be translated to a physical one: it is not canonical, an
 * entry on the page-table walk is not present, or the page holding a page table is not in
 * the dump. The message names the dump, the address, the level and why, e.g.
 * {@code vmcore: virtual address 0xffffc90000001000: PTE entry at physical 0x1234008 is not
 * present (0x0)}.
 */
public final class TranslationException extends VirtualMemoryException {
    /** Why a translation failed. */
    public enum Reason {
        /** the upper bits of the address do not repeat its top virtual bit */
        NON_CANONICAL,
        /** an entry of the walk has neither PRESENT nor (for a leaf) PROT_NONE set */
        NOT_PRESENT,
        /** the page holding a page table at this level is not in the dump (excluded, outside it) */
        TABLE_NOT_IN_DUMP,
        /** the address lies in no region this address space can translate */
        UNMAPPED_REGION
    }

    private final Reason reason;
    private final PageTableLevel level;
    private final PageTableEntry entry;

    TranslationException(String dump, long vaddr, Reason reason, PageTableLevel level, PageTableEntry entry,
                         String detail, Throwable cause) {
        super(vaddr, String.format("%s: virtual address 0x%x: %s", dump, vaddr, detail), cause);
        this.reason = reason;
        this.level = level;
        this.entry = entry;
    }

    public static TranslationException nonCanonical(String dump, long vaddr, int virtualBits) {
        return new TranslationException(dump, vaddr, Reason.NON_CANONICAL, null, null,
                "not canonical for " + virtualBits + "-bit virtual addresses", null);
    }

    public static TranslationException notPresent(String dump, long vaddr, PageTableEntry entry) {
        return new TranslationException(dump, vaddr, Reason.NOT_PRESENT, entry.level(), entry,
                String.format("%s entry at physical 0x%x is not present (0x%x)", entry.level(), entry.address(), entry.value()), null);
    }

    public static TranslationException tableMissing(String dump, long vaddr, PageTableLevel level, long tableAddress,
                                             org.jkdump.format.MissingPageException cause) {
        return new TranslationException(dump, vaddr, Reason.TABLE_NOT_IN_DUMP, level, null,
                String.format("the %s table page at physical 0x%x is %s", level, tableAddress, cause.reason().text()), cause);
    }

    public static TranslationException unmapped(String dump, long vaddr, String why) {
        return new TranslationException(dump, vaddr, Reason.UNMAPPED_REGION, null, null, why, null);
    }

    public Reason reason() {
        return reason;
    }

    /** The level at which the walk stopped; empty for non-canonical or unmapped-region addresses. */
    public Optional<PageTableLevel> level() {
        return Optional.ofNullable(level);
    }

    /** The non-present entry, for {@link Reason#NOT_PRESENT}. */
    public Optional<PageTableEntry> entry() {
        return Optional.ofNullable(entry);
    }
}
