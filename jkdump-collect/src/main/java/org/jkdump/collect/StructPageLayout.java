package org.jkdump.collect;

import java.util.OptionalLong;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.helpers.PageStruct;

/**
 * What the classifier needs to know about {@code struct page} and the page flags of the
 * dumped kernel, resolved once from its VMCOREINFO (include/linux/mm_types.h,
 * page-flags.h, kernel/vmcore_info.c). Members and numbers a kernel may lack are
 * {@link OptionalLong}s; which ones are present says which kernel generation this is, so
 * every later decision is a feature check, never a version comparison.
 *
 * <ul>
 * <li>{@code PG_slab} went away in Linux 6.10: slab pages then carry the page type
 *     {@code PAGE_SLAB_MAPCOUNT_VALUE} in {@code _mapcount}'s union.</li>
 * <li>Hugetlb folios: {@code compound_dtor == HUGETLB_PAGE_DTOR} in the first tail page up to
 *     6.5, {@code PG_hugetlb} in the first tail's flags in 6.6–6.8, and the page type
 *     {@code PAGE_HUGETLB_MAPCOUNT_VALUE} from 6.9; from 6.6 the folio order is the low byte
 *     of the first tail's flags ({@code folio._flags_1}).</li>
 * <li>Free pages: the buddy page type in {@code _mapcount} ({@code PAGE_BUDDY_MAPCOUNT_VALUE},
 *     2.6.38 and later) with the order in {@code private}.</li>
 * </ul>
 */
public record StructPageLayout(
        int size, int flags, int mapping, OptionalLong mapcount, OptionalLong privateField,
        OptionalLong compoundHead, OptionalLong compoundDtor, OptionalLong compoundOrder,
        int pgLru, int pgPrivate, OptionalLong pgSwapcache, OptionalLong pgSwapbacked, OptionalLong pgSlab,
        OptionalLong pgHwpoison, OptionalLong pgHuge, long headMask,
        OptionalLong buddyMapcount, OptionalLong offlineMapcount, OptionalLong slabMapcount,
        OptionalLong hugetlbMapcount, OptionalLong unacceptedMapcount, OptionalLong hugetlbDtor,
        OptionalLong freeAreaOrders) {

    /** include/linux/page-flags.h: the low bit of page->mapping marks an anon_vma. */
    static final long PAGE_MAPPING_ANON = 1;

    /** Reads the layout from {@code info}; fails naming the first entry a classifier cannot do without. */
    public static StructPageLayout of(VmcoreInfo info) {
        // struct page is 64 bytes on x86-64 (80 with some debug options); a classifier reads
        // whole chunks of them, so an absurd size would be an absurd allocation
        long size = info.sizeWithin("page", PageStruct.MIN_SIZE, PageStruct.MAX_SIZE, WHY);
        return new StructPageLayout(
                (int) size,
                (int) need(info, info.offsetWithin("page", "flags", 8, size), "OFFSET(page.flags)"),
                (int) need(info, info.offsetWithin("page", "mapping", 8, size), "OFFSET(page.mapping)"),
                info.offsetWithin("page", "_mapcount", 4, size),
                info.offsetWithin("page", "private", 8, size),
                info.offsetWithin("page", "compound_head", 8, size),
                info.offsetWithin("page", "compound_dtor", 1, size),
                info.offsetWithin("page", "compound_order", 1, size),
                (int) need(info, info.number("PG_lru"), "NUMBER(PG_lru)"),
                (int) need(info, info.number("PG_private"), "NUMBER(PG_private)"),
                info.number("PG_swapcache"),
                info.number("PG_swapbacked"),
                info.number("PG_slab"),
                info.number("PG_hwpoison"),
                info.number("PG_hugetlb"),
                info.number("PG_head_mask").orElse(0),
                info.number("PAGE_BUDDY_MAPCOUNT_VALUE"),
                info.number("PAGE_OFFLINE_MAPCOUNT_VALUE"),
                info.number("PAGE_SLAB_MAPCOUNT_VALUE"),
                info.number("PAGE_HUGETLB_MAPCOUNT_VALUE"),
                info.number("PAGE_UNACCEPTED_MAPCOUNT_VALUE"),
                info.number("HUGETLB_PAGE_DTOR"),
                info.length("zone.free_area"));
    }

    private static final String WHY = "struct page cannot be read, so pages cannot be classified by dump level (use -d 0 or -d 1)";

    private static long need(VmcoreInfo info, OptionalLong v, String key) {
        return v.orElseThrow(() -> info.lacks(key, WHY));
    }

    /** Whether free pages can be told from struct page alone (the buddy page type). */
    public boolean knowsBuddy() {
        return buddyMapcount.isPresent() && mapcount.isPresent() && privateField.isPresent();
    }

    boolean isSlab(long flags, int mapcount) {
        if (slabMapcount.isPresent() && mapcount == (int) slabMapcount.getAsLong()) return true;
        return pgSlab.isPresent() && bit(flags, pgSlab.getAsLong());
    }

    boolean isBuddy(long flags, int mapcount) {
        return !isSlab(flags, mapcount) && mapcount == (int) buddyMapcount.getAsLong();
    }

    boolean isOffline(long flags, int mapcount) {
        return offlineMapcount.isPresent() && !isSlab(flags, mapcount) && mapcount == (int) offlineMapcount.getAsLong();
    }

    boolean isUnaccepted(int mapcount) {
        return unacceptedMapcount.isPresent() && mapcount == (int) unacceptedMapcount.getAsLong();
    }

    boolean isAnon(long mapping, long flags, int mapcount) {
        return (mapping & PAGE_MAPPING_ANON) != 0 && !isSlab(flags, mapcount);
    }

    boolean isPrivate(long flags) {
        return bit(flags, pgPrivate);
    }

    boolean isHwpoison(long flags) {
        return pgHwpoison.isPresent() && bit(flags, pgHwpoison.getAsLong());
    }

    boolean isHead(long flags) {
        return (flags & headMask) != 0;
    }

    /** Page cache: on an LRU list, or in the swap cache (PG_swapcache counts only with PG_swapbacked, 4.10+). */
    boolean isCache(long flags) {
        if (bit(flags, pgLru)) return true;
        return pgSwapcache.isPresent() && (pgSwapbacked.isEmpty() || bit(flags, pgSwapbacked.getAsLong()))
                && bit(flags, pgSwapcache.getAsLong());
    }

    private static boolean bit(long flags, long nr) {
        return nr >= 0 && nr < 64 && (flags & (1L << nr)) != 0;
    }
}
