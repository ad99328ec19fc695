package org.jkdump.kernel.x86;

import org.jkdump.kernel.FakePhysicalMemory;

/**
 * Builds x86-64 page tables by hand in a {@link FakePhysicalMemory}: table pages are taken
 * from a bump allocator, mappings are added per page size. Entries carry PRESENT|RW plus
 * ACCESSED|DIRTY on leaves, PSE on large pages.
 */
public final class PageTableBuilder {
    static final long TABLE_FLAGS = 0x63;  // PRESENT|RW|ACCESSED|DIRTY
    static final long LEAF_FLAGS = 0x8000000000000163L;  // + GLOBAL, NX

    private final FakePhysicalMemory memory;
    private final PagingMode mode;
    private final long top;
    private long nextTable;

    /** Tables are allocated upward from {@code tableArea}; the first one is the PGD. */
    public PageTableBuilder(FakePhysicalMemory memory, PagingMode mode, long tableArea) {
        this.memory = memory;
        this.mode = mode;
        this.top = tableArea;
        this.nextTable = tableArea + 4096;
        memory.addPage(top);
    }

    public PagingMode mode() {
        return mode;
    }

    public long top() {
        return top;
    }

    /** Maps the {@code size}-byte page at {@code vaddr} (4 KiB, 2 MiB or 1 GiB) to {@code paddr}. */
    public PageTableBuilder map(long vaddr, long paddr, long size) {
        return mapEntry(vaddr, size, paddr | LEAF_FLAGS | (size > 4096 ? PageTableEntry.PSE : 0));
    }

    /** Puts a raw leaf value (for not-present, PROT_NONE, ...) where {@code vaddr}'s entry of the given page size lives. */
    public PageTableBuilder mapEntry(long vaddr, long size, long leafValue) {
        long table = top;
        for (var level : mode.levels()) {
            int shift = level.shift(mode);
            long address = table + ((vaddr >>> shift) & 511) * 8;
            if ((1L << shift) == size) {
                memory.writeU64(address, leafValue);
                return this;
            }
            long entry = memory.u64(address);
            if ((entry & 1) == 0) {
                entry = nextTable | TABLE_FLAGS;
                memory.addPage(nextTable);
                nextTable += 4096;
                memory.writeU64(address, entry);
            }
            table = entry & 0x000ffffffffff000L;
        }
        throw new IllegalArgumentException("page size " + size);
    }

    /** Physical address of the entry for {@code vaddr} at {@code level} (tables must exist down to it). */
    public long entryAddress(long vaddr, PageTableLevel level) {
        long table = top;
        for (var l : mode.levels()) {
            long address = table + ((vaddr >>> l.shift(mode)) & 511) * 8;
            if (l == level) return address;
            table = memory.u64(address) & 0x000ffffffffff000L;
        }
        throw new IllegalArgumentException(level + " is not a level of " + mode);
    }
}
