package org.jkdump.kernel.x86;

import java.util.ArrayList;
import java.util.Optional;
import org.jkdump.format.MissingPageException;
import org.jkdump.format.PhysicalMemory;
import org.jkdump.kernel.TranslationException;

/**
 * The x86-64 page tables rooted at one top-level table (the kernel's init_top_pgt, or an
 * mm's pgd), read from a dump's physical memory. A walk follows the hardware's rules: an
 * entry without PRESENT stops it, a PUD or PMD entry with PSE maps a 1 GiB or 2 MiB page. One
 * software rule of the kernel is kept: a leaf entry with _PAGE_PROTNONE and without PRESENT
 * is a PROT_NONE mapping that is still backed by memory, and since Linux 4.19 (the L1TF
 * mitigation, pgtable-invert.h) its frame number is stored inverted.
 */
public final class PageTables {
    /** PTE_PFN_MASK without the memory-encryption bit: physical address bits 12..51. */
    private static final long PHYSICAL_MASK = ((1L << 52) - 1) & ~0xfffL;
    private static final int ENTRIES = 512;

    private final PhysicalMemory memory;
    private final PagingMode mode;
    private final long topTable;
    private final long frameMask;
    private final long encryptionMask;

    /**
     * @param topTable      physical address of the top-level table (PGD)
     * @param encryptionMask AMD SME's C-bit as VMCOREINFO's {@code NUMBER(sme_mask)} gives it;
     *                      it is set in entries but is no part of the address
     */
    public PageTables(PhysicalMemory memory, PagingMode mode, long topTable, long encryptionMask) {
        this.memory = memory;
        this.mode = mode;
        this.topTable = topTable & PHYSICAL_MASK;
        this.frameMask = PHYSICAL_MASK & ~encryptionMask;
        this.encryptionMask = encryptionMask;
    }

    public PagingMode mode() {
        return mode;
    }

    /** Physical address of the top-level table. */
    public long topTable() {
        return topTable;
    }

    /** The same tables' rules rooted at another top-level table (an mm's pgd). */
    public PageTables withTopTable(long physicalAddress) {
        return new PageTables(memory, mode, physicalAddress, encryptionMask);
    }

    /**
     * Walks the tables for {@code vaddr}.
     *
     * @throws TranslationException when the address is not canonical, an entry is not present
     *                              or a table page is missing from the dump
     */
    public PageWalk walk(long vaddr) {
        if (!mode.isCanonical(vaddr)) throw TranslationException.nonCanonical(memory.name(), vaddr, mode.virtualBits());
        var entries = new ArrayList<PageTableEntry>(5);
        long table = topTable;
        for (var level : mode.levels()) {
            int shift = level.shift(mode);
            long address = table + ((vaddr >>> shift) & (ENTRIES - 1)) * 8;
            var entry = new PageTableEntry(level, address, readEntry(vaddr, level, table, address));
            entries.add(entry);
            boolean leaf = level == PageTableLevel.PTE || entry.largePage();
            if (leaf) {
                long frame = leafFrame(entry);
                if (frame < 0) throw TranslationException.notPresent(memory.name(), vaddr, entry);
                long size = 1L << shift;
                return new PageWalk(vaddr, (frame & ~(size - 1)) | (vaddr & (size - 1)), size, entries);
            }
            if (!entry.present()) throw TranslationException.notPresent(memory.name(), vaddr, entry);
            table = entry.value() & frameMask;
        }
        throw new AssertionError("a walk always ends at a PTE");
    }

    /** The physical frame a leaf entry maps, or -1 when it maps nothing. */
    private long leafFrame(PageTableEntry entry) {
        long v = entry.value();
        if (entry.present()) return v & frameMask;
        boolean protNone = (v & PageTableEntry.PROTNONE) != 0
                && (entry.level() == PageTableLevel.PTE || entry.level() == PageTableLevel.PMD);
        return protNone ? ~v & frameMask : -1;
    }

    private long readEntry(long vaddr, PageTableLevel level, long table, long address) {
        try {
            return memory.u64(address);
        } catch (MissingPageException e) {
            throw TranslationException.tableMissing(memory.name(), vaddr, level, table, e);
        }
    }

    /**
     * The first mapped page at or above {@code from} and below {@code limit} (unsigned, both in
     * the same canonical half), found by visiting only present entries; table pages missing
     * from the dump are skipped. Used to find where a region's mappings start.
     */
    public Optional<PageWalk> firstMapped(long from, long limit) {
        if (!mode.isCanonical(from)) return Optional.empty();
        return firstMapped(topTable, 0, canonicalPrefix(from), from, limit);
    }

    private long canonicalPrefix(long vaddr) {
        return vaddr < 0 ? -1L << mode.virtualBits() : 0;
    }

    private Optional<PageWalk> firstMapped(long table, int depth, long base, long from, long limit) {
        var level = mode.levels().get(depth);
        int shift = level.shift(mode);
        long span = 1L << shift;
        int first = Long.compareUnsigned(from, base) > 0 ? (int) ((from - base) >>> shift) : 0;
        for (int i = first; i < ENTRIES; i++) {
            long start = base + i * span;
            // the lower half ends at top-level index 255: beyond it lies the non-canonical hole
            if (Long.compareUnsigned(start, limit) >= 0 || !mode.isCanonical(start)) return Optional.empty();
            long value;
            try {
                value = memory.u64(table + i * 8L);
            } catch (MissingPageException e) {
                return Optional.empty();
            }
            var entry = new PageTableEntry(level, table + i * 8L, value);
            boolean leaf = level == PageTableLevel.PTE || entry.largePage();
            if (leaf) {
                if (leafFrame(entry) < 0) continue;
                long at = Long.compareUnsigned(from, start) > 0 ? from : start;
                return Optional.of(walk(at));
            }
            if (!entry.present()) continue;
            var found = firstMapped(value & frameMask, depth + 1, start, from, limit);
            if (found.isPresent()) return found;
        }
        return Optional.empty();
    }
}
