package org.jkdump.collect;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.PfnBitmap;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.Kernel;
import org.jkdump.kernel.KernelMemory;

/**
 * Decides, from each frame's {@code struct page}, which frames a dump level leaves out — the
 * rules makedumpfile applies, in its order, so that the same level keeps the same frames:
 *
 * <ol>
 * <li>a compound tail page is never judged on its own (its head decides for the folio);</li>
 * <li>free: the buddy page type, with the block's order in {@code private} (a whole block);</li>
 * <li>non-private cache: on an LRU or in the swap cache, no PG_private, not anonymous;</li>
 * <li>private cache (level 4 takes all cache): the same with PG_private;</li>
 * <li>user data: anonymous ({@code mapping & PAGE_MAPPING_ANON}, slab pages excepted) or hugetlb;</li>
 * <li>hwpoison, then logically offline pages: always.</li>
 * </ol>
 *
 * A compound head's class covers its whole folio. Slab pages are recognised by PG_slab or,
 * from Linux 6.10, by their page type — so a slab whose {@code mapping} word happens to be
 * odd is never taken for user data (Debian 12's makedumpfile 1.7.2 drops those on 6.12).
 * Zero pages are found by content, elsewhere (the pipeline reads every page anyway).
 *
 * <p>struct pages are read {@value #CHUNK} frames at a time; nothing grows with the dump
 * but the bitmaps the caller passes (one bit per frame).
 */
public final class PageClassifier {
    /** Frames whose struct pages are read at once; a power of two, so that folios never straddle chunks. */
    static final int CHUNK = 512;
    /**
     * The largest folio or buddy order believed: PUD-sized folios are order 18 with 4 KiB
     * pages. A larger value in a (corrupt) struct page is taken as order 0, never as a
     * reason to clear half the bitmap.
     */
    static final int MAX_ORDER = 20;

    private final VmcoreInfo info;
    private final StructPageLayout layout;
    private final MemMap memMap;
    private final KernelMemory memory;
    private final byte[] buf;
    private final ByteBuffer bb;
    private long unreadable;

    private PageClassifier(VmcoreInfo info, StructPageLayout layout, MemMap memMap, KernelMemory memory) {
        this.info = info;
        this.layout = layout;
        this.memMap = memMap;
        this.memory = memory;
        this.buf = new byte[CHUNK * layout.size()];
        this.bb = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Resolves struct page's layout and the mem_map of frames {@code [0, maxPfn)} of {@code kernel}. */
    public static PageClassifier open(Kernel kernel, long maxPfn) {
        var info = kernel.vmcoreinfo();
        var layout = StructPageLayout.of(info);
        int pageSize = kernel.memory().physical().pageSize();  // checked by the format layer, unlike PAGESIZE
        return new PageClassifier(info, layout, MemMap.read(info, kernel.memory(), pageSize, maxPfn), kernel.memory());
    }

    public StructPageLayout layout() {
        return layout;
    }

    /** Frames kept because their struct page could not be read from the dump. */
    public long unreadableFrames() {
        return unreadable;
    }

    /**
     * Clears in {@code keep} every frame of {@code [from, to)} that {@code level} leaves out,
     * counting each frame that was set into its class. Frames not in {@code ram} are not
     * judged. A free block or folio that starts before {@code to} is cleared whole; the
     * returned frame is where the next call should start (at least {@code to}).
     */
    public long classify(DumpLevel level, PfnBitmap ram, PfnBitmap keep, long from, long to, ExcludedPages counts) {
        if (level.excludesFree() && !layout.knowsBuddy())
            throw info.lacks("NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", "free pages cannot be found from struct page on this kernel");
        long pfn = from;
        long chunkStart = -1;
        boolean chunkOk = false;
        while (pfn < to) {
            if (!ram.get(pfn)) {
                long next = ram.nextSetBit(pfn);
                // A hole past this cycle: the next call starts at the next RAM frame, so each
                // hole is scanned once (not once per cycle: a dump with RAM at 1 TiB has 2^15).
                if (next < 0) return Math.max(to, ram.size());
                if (next >= to) return next;
                pfn = next;
                continue;
            }
            long base = pfn & -CHUNK;
            if (base != chunkStart) {
                chunkStart = base;
                chunkOk = load(base);
            }
            if (!chunkOk) {
                unreadable += ram.count(pfn, Math.min(to, base + CHUNK));
                pfn = base + CHUNK;
                continue;
            }
            long verdict = judge(level, (int) (pfn - base), pfn);
            if (verdict == KEEP) {
                pfn++;
                continue;
            }
            long frames = verdict >>> 8;
            PageClass cls = CLASSES[(int) (verdict & 0xff)];
            long end = Math.min(pfn + frames, keep.size());
            long cleared = keep.count(pfn, end);
            if (cleared > 0) {
                clearRange(keep, pfn, end);
                counts.add(cls, cleared);
            }
            pfn += frames;  // the loop's chunk check reloads when this leaves the chunk
        }
        return Math.max(pfn, to);
    }

    /** {@link #judge} result: the frame stays. */
    private static final long KEEP = -1;
    private static final PageClass[] CLASSES = PageClass.values();

    /**
     * The verdict on frame {@code pfn}, whose struct page is the {@code idx}-th of the loaded
     * chunk: {@link #KEEP}, or the frames left out from it (shifted left by 8) and their
     * class's ordinal. A method of its own, so that the JIT compiles it after a few hundred
     * frames instead of waiting for the loop's back-edge count.
     */
    private long judge(DumpLevel level, int idx, long pfn) {
        int size = layout.size();
        int at = idx * size;
        long flags = bb.getLong(at + layout.flags());
        long mapping = bb.getLong(at + layout.mapping());
        int mapcount = layout.mapcount().isPresent() ? bb.getInt(at + (int) layout.mapcount().getAsLong()) : 0;
        long priv = layout.privateField().isPresent() ? bb.getLong(at + (int) layout.privateField().getAsLong()) : 0;
        long head = layout.compoundHead().isPresent() ? bb.getLong(at + (int) layout.compoundHead().getAsLong()) : 0;

        int order = 0;
        boolean hugetlb = false;
        if (idx < CHUNK - 1 && layout.isHead(flags)) {
            int tail = at + size;
            if (layout.hugetlbMapcount().isPresent() || layout.pgHuge().isPresent()) {
                // 6.6+: folio order in the low byte of the first tail's flags (folio._flags_1)
                long flags1 = bb.getLong(tail + layout.flags());
                order = (int) (flags1 & 0xff);
                hugetlb = layout.hugetlbMapcount().isPresent()
                        ? mapcount == (int) layout.hugetlbMapcount().getAsLong()
                        : (flags1 & (1L << layout.pgHuge().getAsLong())) != 0;
            } else {
                // up to 6.5: compound_order and compound_dtor are bytes of the first tail page
                if (layout.compoundOrder().isPresent()) order = buf[tail + (int) layout.compoundOrder().getAsLong()] & 0xff;
                if (layout.compoundDtor().isPresent() && layout.hugetlbDtor().isPresent())
                    hugetlb = (buf[tail + (int) layout.compoundDtor().getAsLong()] & 0xff) == layout.hugetlbDtor().getAsLong();
            }
            if (order > MAX_ORDER || (pfn & ((1L << order) - 1)) != 0) order = 0;
        }
        if ((head & 1) != 0) return KEEP;  // a tail: its head already decided
        long frames = 1L << order;
        PageClass cls = null;
        if (level.excludesFree() && layout.isBuddy(flags, mapcount)) {
            long orders = Math.min(MAX_ORDER + 1, layout.freeAreaOrders().orElse(MAX_ORDER + 1));
            // an order the kernel cannot have: leave the page in, as makedumpfile does
            if (Long.compareUnsigned(priv, orders) >= 0) return KEEP;
            frames = 1L << priv;
            cls = PageClass.FREE;
        } else if (level.excludesFree() && layout.isUnaccepted(mapcount) && layout.freeAreaOrders().isPresent()
                && layout.freeAreaOrders().getAsLong() >= 1 && layout.freeAreaOrders().getAsLong() <= MAX_ORDER + 1) {
            frames = 1L << (layout.freeAreaOrders().getAsLong() - 1);
            cls = PageClass.FREE;
        } else if (level.excludesCache() && layout.isCache(flags) && !layout.isPrivate(flags)
                && !layout.isAnon(mapping, flags, mapcount)) {
            cls = PageClass.CACHE;
        } else if (level.excludesCachePrivate() && layout.isCache(flags) && !layout.isAnon(mapping, flags, mapcount)) {
            cls = layout.isPrivate(flags) ? PageClass.CACHE_PRIVATE : PageClass.CACHE;
        } else if (level.excludesUser() && (layout.isAnon(mapping, flags, mapcount) || hugetlb)) {
            cls = PageClass.USER;
        } else if (layout.isHwpoison(flags)) {
            cls = PageClass.HWPOISON;
        } else if (layout.isOffline(flags, mapcount)) {
            cls = PageClass.OFFLINE;
        }
        return cls == null ? KEEP : frames << 8 | cls.ordinal();
    }

    private static void clearRange(PfnBitmap keep, long from, long to) {
        keep.clear(from, to);
    }

    /** Reads the struct pages of frames {@code [base, base+CHUNK)}; false when the dump lacks them. */
    private boolean load(long base) {
        long addr = memMap.structPage(base);
        long last = memMap.structPage(base + CHUNK - 1);
        // a chunk lies inside one section (sections hold a power of two >= CHUNK frames)
        if (addr == 0 || last == 0) return false;
        try {
            memory.read(addr, buf, 0, buf.length);
            return true;
        } catch (JkdumpException e) {
            return false;
        }
    }
}
