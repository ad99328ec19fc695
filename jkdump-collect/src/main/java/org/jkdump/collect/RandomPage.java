package org.jkdump.collect;

import java.util.Arrays;

/**
 * Proves, cheaply, that zlib level 1 cannot shrink a page below a page (random or already
 * compressed data), so that it is stored raw without running deflate — which spends ~45 µs on
 * such a page before giving up. "Cannot" is a proof, not an estimate: a page this test calls
 * random is one that makedumpfile's {@code compress2()} would store raw too, so the output
 * stays byte-identical; pages the proof does not reach simply go through zlib.
 *
 * <p>The proof bounds from below the bits of any deflate encoding of the page as one block
 * (zlib's default memLevel buffers 16 K symbols, so a page of at most 16 K bytes is one block):
 * <ul>
 * <li>Matches (3 bytes or more) can only cover positions inside a 3-byte sequence that occurred
 *     earlier in the page. An exact scan finds those positions, U; every other byte must be
 *     sent as a literal, whatever the parse. Bytes in U are counted as free.</li>
 * <li>A stored block costs more than the page. A fixed-code block costs at least 8 or 9 bits
 *     for each forced literal (by value) plus the end-of-block code.</li>
 * <li>A dynamic block's literal/length code is a prefix code, so the forced literals plus
 *     the end-of-block symbol cost at least what Huffman's optimal code for their counts costs
 *     (and that at least Gibbs' {@code sum c log2(T/c)}, the cheaper bound tried first).
 *     Its header costs at least 3 + 14 + 12 bits, and the code lengths at least half a bit for
 *     each symbol used (a code-length symbol of at least 1 bit covers one length, or code 16 of
 *     at least 3 bits at most six).</li>
 * </ul>
 * zlib adds 6 bytes (header and Adler-32) and rounds up to a byte; makedumpfile stores a page
 * compressed only when that total is below the page size. Not thread-safe (one per worker).
 */
final class RandomPage {
    /**
     * A filter for speed only (a page it turns away is simply deflated): 512 random bytes show
     * ~221 distinct values (sd ~5), their first 128 ~101 (sd ~4); text and kernel data far fewer.
     */
    private static final int PREFIX = 512, MIN_PREFIX_DISTINCT = 190, SHORT_PREFIX = 128, MIN_SHORT_DISTINCT = 80;
    /** zlib's 2-byte header and 4-byte Adler-32 around the deflate stream. */
    private static final int ZLIB_FRAME = 6;
    /** Dynamic block header: BFINAL+BTYPE (3), HLIT (5), HDIST (5), HCLEN (4), at least 4 code-length code lengths (3 each). */
    private static final int DYNAMIC_HEADER_BITS = 3 + 5 + 5 + 4 + 4 * 3;
    /** Fixed block: BFINAL+BTYPE (3) and the end-of-block code (7). */
    private static final int FIXED_OVERHEAD_BITS = 3 + 7;
    /** Largest page the one-block argument holds for: zlib flushes a block at 16 K - 1 symbols (memLevel 8). */
    private static final int MAX_LEN = (1 << 14) - 2;
    private static final int TABLE_BITS = 16;
    /** c log2 c, for Gibbs' bound. */
    private static final double[] C_LOG2_C = new double[MAX_LEN + 2];

    static {
        for (int c = 1; c < C_LOG2_C.length; c++) C_LOG2_C[c] = c * (Math.log(c) / Math.log(2));
    }
    private final int[] hist = new int[256], prefixSeen = new int[256];
    private final int[] leaves = new int[257], merged = new int[257];
    private int[] byCount = new int[64];
    /** 3-byte sequences seen in this page: (stamp << 24) | sequence, open addressing; other stamps are empty. */
    private final int[] seen = new int[1 << TABLE_BITS];
    private int stamp;
    /** Positions whose 3 bytes occurred earlier, ascending. */
    private int[] reps = new int[64];

    /** Whether zlib level 1 is proven to store {@code page[off, off+len)} raw. */
    boolean test(byte[] page, int off, int len) {
        if (len > MAX_LEN || len < 1024) return false;
        // distinct values of the prefix, marked with this page's stamp
        if (++stamp == 256) {
            Arrays.fill(seen, 0);
            Arrays.fill(prefixSeen, 0);
            stamp = 1;
        }
        int[] ps = prefixSeen;
        int distinct = 0;
        for (int i = off, end = off + SHORT_PREFIX; i < end; i++) {
            int b = page[i] & 0xff, m = ps[b] ^ stamp;
            distinct += (m | -m) >>> 31;  // 1 when b is new: no branch to mispredict on random bytes
            ps[b] = stamp;
        }
        if (distinct < MIN_SHORT_DISTINCT) return false;
        for (int i = off + SHORT_PREFIX, end = off + PREFIX; i < end; i++) {
            int b = page[i] & 0xff, m = ps[b] ^ stamp;
            distinct += (m | -m) >>> 31;
            ps[b] = stamp;
        }
        if (distinct < MIN_PREFIX_DISTINCT) return false;
        int[] h = hist;
        Arrays.fill(h, 0);
        h[page[off] & 0xff]++;
        h[page[off + 1] & 0xff]++;
        int repeats = scan(page, off, len, h);
        long limit = 8L * (len - ZLIB_FRAME - 1);
        if (lowerBound(h, len, limit) <= limit) return false;  // not even with every byte a literal
        return repeats == 0 || lowerBound(h, len - removeCovered(page, off, repeats, h), limit) > limit;
    }

    /**
     * One pass that counts the bytes from the third on into {@code h} and lists in {@link #reps}
     * every position whose 3 bytes occurred earlier in the page (exactly: the table holds the
     * sequences themselves); returns how many it listed.
     */
    private int scan(byte[] page, int off, int len, int[] h) {
        int[] t = seen;
        int tag = stamp << 24, mask = t.length - 1, n = 0;
        int v = (page[off] & 0xff) << 8 | (page[off + 1] & 0xff);
        for (int i = off, last = off + len - 3; i <= last; i++) {
            int b = page[i + 2] & 0xff;
            h[b]++;
            v = (v << 8 | b) & 0xffffff;
            int key = tag | v;
            int slot = (v * 0x9E3779B1) >>> (32 - TABLE_BITS);
            while (true) {
                int e = t[slot];
                if (e == key) {
                    if (n == reps.length) reps = Arrays.copyOf(reps, n * 2);
                    reps[n++] = i;
                    break;
                }
                if ((e & 0xff000000) != tag) {
                    t[slot] = key;
                    break;
                }
                slot = (slot + 1) & mask;
            }
        }
        return n;
    }

    /**
     * Takes the bytes a match could cover through the {@code n} listed positions (each
     * position and the next two) out of {@code h}, once each; returns how many.
     */
    private int removeCovered(byte[] page, int off, int n, int[] h) {
        int removed = 0, coveredTo = off;
        for (int r = 0; r < n; r++) {
            int i = reps[r];
            for (int u = Math.max(i, coveredTo); u < i + 3; u++, removed++) h[page[u] & 0xff]--;
            coveredTo = i + 3;
        }
        return removed;
    }

    /**
     * Bits that any one-block deflate encoding of the literals counted in {@code h} (n of them)
     * needs at least. With the literal cost from Gibbs' inequality ({@code sum c log2(T/c)},
     * which no prefix code beats) when that alone exceeds {@code limit}, else from the tighter
     * Huffman cost, which takes a sort and 256 merges to find.
     */
    long lowerBound(int[] h, int n, long limit) {
        long fixed = FIXED_OVERHEAD_BITS;
        int used = 0, max = 1;
        double sum = 0;
        for (int b = 0; b < 256; b++) {
            int c = h[b];
            if (c == 0) continue;
            fixed += (long) c * (b < 144 ? 8 : 9);
            sum += C_LOG2_C[c];
            used++;
            if (c > max) max = c;
        }
        long header = DYNAMIC_HEADER_BITS + (used + 2) / 2;
        // T log2 T - sum c log2 c over the literals and the end-of-block symbol (c = 1 adds 0);
        // a bit less, so that rounding cannot lift it over the true minimum
        long gibbs = header + (long) Math.floor(C_LOG2_C[n + 1] - sum) - 1;
        if (Math.min(fixed, gibbs) > limit) return Math.min(fixed, gibbs);
        return Math.min(fixed, header + huffmanCost(h, max));
    }

    /**
     * The cost in bits of an optimal prefix code (Huffman's, without deflate's 15-bit limit,
     * which can only cost more) for the literals counted in {@code h} plus one end-of-block
     * symbol: no literal/length code of a deflate block sends them in fewer bits. Two-queue
     * Huffman over the weights sorted by counting; the cost is the sum of the merged weights.
     */
    private long huffmanCost(int[] h, int max) {
        if (byCount.length < max + 2) byCount = new int[max + 2];
        int[] bc = byCount;
        Arrays.fill(bc, 0, max + 2, 0);
        for (int b = 0; b < 256; b++) bc[h[b]]++;
        bc[0] = 0;
        bc[1]++;  // the end-of-block symbol
        int n = 0;
        for (int c = 1; c <= max; c++)
            for (int k = bc[c]; k > 0; k--) leaves[n++] = c;
        int li = 0, qi = 0, qn = 0;
        long cost = 0;
        for (int m = 1; m < n; m++) {
            int a, b;
            if (qi >= qn || (li < n && leaves[li] <= merged[qi])) a = leaves[li++]; else a = merged[qi++];
            if (qi >= qn || (li < n && leaves[li] <= merged[qi])) b = leaves[li++]; else b = merged[qi++];
            merged[qn++] = a + b;
            cost += a + b;
        }
        return cost;
    }
}
