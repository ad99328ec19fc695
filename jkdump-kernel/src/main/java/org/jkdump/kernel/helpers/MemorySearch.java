package org.jkdump.kernel.helpers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongPredicate;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.AddressSpace;
import org.jkdump.kernel.Kernel;

/**
 * Searches memory for a byte pattern (a value's bytes, aligned to its size, or a string at any
 * byte): a process's user space through its page tables, area by area, or every physical
 * page present in the dump. Pages the dump lacks (excluded by makedumpfile's dump level, or
 * never mapped) are skipped, as crash skips them. A match that crosses into the next page of
 * the same area is found too.
 */
public final class MemorySearch {
    /** Enough to tell a run away; crash has no limit but prints each hit. */
    public static final int MAX_HITS = 100_000;

    private MemorySearch() {
    }

    /**
     * What to look for.
     *
     * @param bytes     the pattern
     * @param alignment 1 for a string, the value's size for a value
     * @param context   how many bytes to keep from each match (at most to the page's end)
     */
    public record Pattern(byte[] bytes, int alignment, int context) {
        public Pattern {
            if (bytes.length == 0) throw new IllegalArgumentException("empty search pattern");
        }
    }

    /** One match: where (user virtual, kernel virtual or physical as searched) and the bytes from there. */
    public record Hit(long address, byte[] context) {
    }

    /** The user address space of the process whose mm is at {@code mm}: every page of every area. */
    public static List<Hit> user(Kernel k, long mm, Pattern p) {
        var space = k.memory();
        long pgd = k.object("struct mm_struct", mm).member("pgd").asUnsigned();
        var user = space.forPageTable(pgd);
        var hits = new ArrayList<Hit>();
        for (var vma : Vmas.of(k, mm)) scan(user, vma.start(), vma.end(), p, hits);
        return hits;
    }

    /** Every present physical page; {@code reportBase} is added to physical addresses (the direct map's base for -k, 0 for -p). */
    public static List<Hit> physical(Kernel k, long reportBase, Pattern p) {
        var phys = k.memory().physical();
        int page = phys.pageSize();
        var hits = new ArrayList<Hit>();
        var buf = new byte[page];
        var prev = new long[]{-2};
        var carry = new byte[1][];
        carry[0] = new byte[0];
        phys.presentFrames().forEach(pfn -> {
            if (hits.size() >= MAX_HITS) return;
            phys.readPage(pfn, buf, 0);
            long base = pfn * page;
            // a match across two consecutive present pages: keep the previous page's tail
            byte[] tail = pfn == prev[0] + 1 ? carry[0] : new byte[0];
            var joined = new byte[tail.length + page];
            System.arraycopy(tail, 0, joined, 0, tail.length);
            System.arraycopy(buf, 0, joined, tail.length, page);
            match(joined, base - tail.length, p, hits, reportBase, a -> true);
            carry[0] = Arrays.copyOfRange(buf, page - (p.bytes().length - 1), page);
            prev[0] = pfn;
        });
        return hits;
    }

    private static void scan(AddressSpace space, long start, long end, Pattern p, List<Hit> hits) {
        int page = space.physical().pageSize();
        var buf = new byte[page];
        byte[] tail = new byte[0];
        long prevPage = Long.MIN_VALUE;
        for (long va = start & -page; Long.compareUnsigned(va, end) < 0 && hits.size() < MAX_HITS; va += page) {
            long pa;
            try {
                pa = space.translate(va);
                if (!space.physical().isPresent(pa / page)) continue;
                space.physical().readPage(pa / page, buf, 0);
            } catch (JkdumpException e) {
                continue;  // not mapped, or not in the dump
            }
            if (prevPage != va - page) tail = new byte[0];
            var joined = new byte[tail.length + page];
            System.arraycopy(tail, 0, joined, 0, tail.length);
            System.arraycopy(buf, 0, joined, tail.length, page);
            match(joined, va - tail.length, p, hits, 0, a -> true);
            tail = Arrays.copyOfRange(buf, page - (p.bytes().length - 1), page);
            prevPage = va;
        }
    }

    /** Matches in {@code data} (which starts at {@code base}); the context stops at the data's end. */
    private static void match(byte[] data, long base, Pattern p, List<Hit> hits, long reportBase, LongPredicate keep) {
        var pat = p.bytes();
        int step = p.alignment();
        int first = (int) Math.floorMod(-base, (long) step);
        outer:
        for (int i = first; i + pat.length <= data.length; i += step) {
            for (int j = 0; j < pat.length; j++) if (data[i + j] != pat[j]) continue outer;
            long at = base + i;
            if (!keep.test(at)) continue;
            hits.add(new Hit(reportBase + at, Arrays.copyOfRange(data, i, Math.min(data.length, i + Math.max(p.context(), pat.length)))));
            if (hits.size() >= MAX_HITS) return;
        }
    }
}
