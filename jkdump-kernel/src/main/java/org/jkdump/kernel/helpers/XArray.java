package org.jkdump.kernel.helpers;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.KObject;
import org.jkdump.kernel.Kernel;
import org.jkdump.kernel.MissingVirtualPageException;

/**
 * The pointers stored in a {@code struct xarray} (lib/xarray.c, include/linux/xarray.h; the
 * IDR and the radix tree are xarrays since 4.20), in index order. An entry whose two low bits
 * are 10 is internal: a node ({@code struct xa_node}, at the entry less 2) when above 4096,
 * else a sibling, retry or zero entry; bit 0 set marks a value entry. Only pointer entries
 * are returned. Nodes the dump lacks are skipped, with their subtrees ({@link #skippedNodes}
 * says how many): the walk is for recovering what other lists lost.
 */
public final class XArray {
    private static final long INTERNAL_MASK = 3, INTERNAL = 2, MIN_NODE = 4096;
    private static final int MAX_DEPTH = 16;
    private static final int MAX_ENTRIES = 1 << 24;

    private final List<Long> entries = new ArrayList<>();
    private int skippedNodes;

    private XArray() {
    }

    /** Walks {@code array} (a struct xarray). */
    public static XArray of(Kernel k, KObject array) {
        var x = new XArray();
        x.walk(k, array.member("xa_head").asUnsigned(), 0, new HashSet<>());
        return x;
    }

    public List<Long> entries() {
        return List.copyOf(entries);
    }

    /** Nodes that could not be read, whose entries are missing from {@link #entries}. */
    public int skippedNodes() {
        return skippedNodes;
    }

    private void walk(Kernel k, long entry, int depth, HashSet<Long> seen) {
        if (entry == 0) return;
        if ((entry & INTERNAL_MASK) == 0) {
            if (entries.size() >= MAX_ENTRIES) throw new JkdumpException("xarray holds more than " + MAX_ENTRIES + " entries: corrupt");
            entries.add(entry);
            return;
        }
        if ((entry & INTERNAL_MASK) != INTERNAL || Long.compareUnsigned(entry, MIN_NODE) <= 0) return;
        long node = entry - INTERNAL;
        if (depth > MAX_DEPTH || !seen.add(node)) throw new JkdumpException(String.format("xarray node 0x%x is reached twice or too deep", node));
        List<Long> slots = new ArrayList<>();
        try {
            var n = Access.object(k, "struct xa_node", node).member("slots");
            for (int i = 0; i < n.length(); i++) slots.add(n.index(i).asUnsigned());
        } catch (JkdumpException e) {
            if (!(e instanceof MissingVirtualPageException || e.getCause() instanceof MissingVirtualPageException)) throw e;
            skippedNodes++;
            return;
        }
        for (long s : slots) walk(k, s, depth + 1, seen);
    }
}
