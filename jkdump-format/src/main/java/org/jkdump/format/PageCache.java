package org.jkdump.format;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decoded pages of a compressed dump, least recently used evicted first, within a fixed byte
 * budget: analysis reads the same few pages (page tables, task structs) over and over, and
 * decoding them again each time would dominate. Thread-safe; evicted buffers are reused.
 */
final class PageCache {
    /** Default budget: 8 MiB, 2048 pages of 4 KiB. */
    static final long DEFAULT_BUDGET = 8L << 20;

    private final int pageSize;
    private final int capacity;
    private final LinkedHashMap<Long, byte[]> pages;
    private byte[] spare;
    private long hits, misses;

    PageCache(int pageSize, long budgetBytes) {
        this.pageSize = pageSize;
        this.capacity = (int) Math.max(1, Math.min(1 << 20, budgetBytes / pageSize));
        this.pages = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
                if (size() <= capacity) return false;
                spare = eldest.getValue();
                return true;
            }
        };
    }

    /** Copies {@code len} bytes at {@code inPage} of cached page {@code pfn}; false on a miss. */
    synchronized boolean copy(long pfn, int inPage, byte[] dst, int dstOff, int len) {
        var p = pages.get(pfn);
        if (p == null) {
            misses++;
            return false;
        }
        hits++;
        System.arraycopy(p, inPage, dst, dstOff, len);
        return true;
    }

    /** Stores a copy of a decoded page. */
    synchronized void put(long pfn, byte[] page, int off) {
        byte[] slot = spare != null ? spare : new byte[pageSize];
        spare = null;
        System.arraycopy(page, off, slot, 0, pageSize);
        pages.put(pfn, slot);
    }

    int capacity() {
        return capacity;
    }

    synchronized long hits() {
        return hits;
    }

    synchronized long misses() {
        return misses;
    }
}
