package org.jkdump.collect;

import java.util.EnumMap;
import java.util.Map;

/**
 * Counts of excluded page frames per {@link PageClass}. Mutable, owned by one pipeline run
 * (the classifier adds the mem_map classes, the page reader the zero pages).
 */
public final class ExcludedPages {
    private final long[] counts = new long[PageClass.values().length];

    public void add(PageClass c, long n) {
        counts[c.ordinal()] += n;
    }

    public long get(PageClass c) {
        return counts[c.ordinal()];
    }

    public long total() {
        long t = 0;
        for (long c : counts) t += c;
        return t;
    }

    /** A snapshot, every class present. */
    public Map<PageClass, Long> asMap() {
        var m = new EnumMap<PageClass, Long>(PageClass.class);
        for (var c : PageClass.values()) m.put(c, get(c));
        return m;
    }
}
