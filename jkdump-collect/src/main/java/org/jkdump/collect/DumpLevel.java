package org.jkdump.collect;

import java.util.ArrayList;
import java.util.List;
import org.jkdump.format.JkdumpException;

/**
 * makedumpfile's dump level ({@code -d}): a bit set of page classes to leave out. Bit 1 zero
 * pages (by content), 2 non-private page cache, 4 all page cache (private too), 8 user data
 * (anonymous and hugetlbfs pages), 16 free pages. Hwpoison and offline pages are always left
 * out, whatever the level.
 */
public record DumpLevel(int bits) {
    public static final int ZERO = 1, CACHE = 2, CACHE_PRIVATE = 4, USER = 8, FREE = 16;

    public DumpLevel {
        if (bits < 0 || bits > 31) throw new JkdumpException("dump level " + bits + " is not between 0 and 31");
    }

    public boolean excludesZero() {
        return (bits & ZERO) != 0;
    }

    public boolean excludesCache() {
        return (bits & CACHE) != 0;
    }

    public boolean excludesCachePrivate() {
        return (bits & CACHE_PRIVATE) != 0;
    }

    public boolean excludesUser() {
        return (bits & USER) != 0;
    }

    public boolean excludesFree() {
        return (bits & FREE) != 0;
    }

    /** Whether any class that needs struct page (mem_map) is asked for. */
    public boolean needsMemMap() {
        return (bits & (CACHE | CACHE_PRIVATE | USER | FREE)) != 0;
    }

    /**
     * Parses {@code -d}'s argument: one level, or a comma-separated list tried in order when
     * the output would not fit ({@code 31,1}).
     */
    public static List<DumpLevel> parseList(String text) {
        var out = new ArrayList<DumpLevel>();
        for (var part : text.split(",")) {
            try {
                out.add(new DumpLevel(Integer.parseInt(part.strip())));
            } catch (NumberFormatException e) {
                throw new JkdumpException("dump level \"" + part.strip() + "\" is not a number between 0 and 31");
            }
        }
        if (out.isEmpty()) throw new JkdumpException("no dump level given");
        return List.copyOf(out);
    }
}
