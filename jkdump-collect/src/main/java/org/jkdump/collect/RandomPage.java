package org.jkdump.collect;

import java.util.Arrays;

/**
 * A cheap test for pages that zlib or zstd would store raw anyway (random or already
 * compressed data), so that they skip the compressor — zlib level 1 spends ~45 µs on such a
 * page and gives up. A page counts as random when its byte histogram's entropy is near 8
 * bits a byte (entropy coding cannot pay for its code table) and an exhaustive scan for
 * repeated 4-byte sequences finds fewer than {@value #MAX_SAVING} bytes an LZ coder could
 * save. One pass computes both, with plain array reads and a rolling 4-byte window so the
 * loop stays cheap even without C2; a 512-byte prefix turns away ordinary pages first. Not
 * thread-safe (one per worker).
 */
final class RandomPage {
    /**
     * Entropy per byte above which Huffman coding cannot pay for its own code table: at 7.9
     * bits a byte the literals alone take ~4045 bytes and a dynamic block's table some 80
     * more, past a stored page (4096 + 11). Uniform random pages measure 7.955 on average.
     */
    private static final double MIN_BITS_PER_BYTE = 7.9;
    /** Bytes of matches (beyond a literal's cost) that could let deflate beat a stored page. */
    private static final int MAX_SAVING = 8;
    /** 512 random bytes show ~221 distinct values (sd ~5), text and kernel data far fewer. */
    private static final int PREFIX = 512, MIN_PREFIX_DISTINCT = 190;
    private static final int HASH_BITS = 12;
    private static final double[] C_LOG2_C = new double[65537];

    static {
        for (int c = 1; c < C_LOG2_C.length; c++) C_LOG2_C[c] = c * (Math.log(c) / Math.log(2));
    }

    private final int[] hist = new int[256];
    private final int[] lastPos = new int[1 << HASH_BITS];
    private final int[] lastVal = new int[1 << HASH_BITS];

    boolean test(byte[] page, int off, int len) {
        if (len > 65536 || len < 1024) return false;
        Arrays.fill(hist, 0);
        int distinct = 0;
        for (int i = off, end = off + PREFIX; i < end; i++)
            if (hist[page[i] & 0xff]++ == 0) distinct++;
        if (distinct < MIN_PREFIX_DISTINCT) return false;
        for (int i = off + PREFIX, end = off + len; i < end; i++) hist[page[i] & 0xff]++;
        // H = log2(n) - (1/n) * sum c log2 c
        double sum = 0;
        for (int c : hist) sum += C_LOG2_C[c];
        if (Math.log(len) / Math.log(2) - sum / len < MIN_BITS_PER_BYTE) return false;
        return !hasRepeats(page, off, len);
    }

    /** Whether repeated sequences of 4 bytes or more could save more than MAX_SAVING bytes. */
    private boolean hasRepeats(byte[] page, int off, int len) {
        Arrays.fill(lastPos, -1);
        int end = off + len, saved = 0;
        // v holds the 4 bytes at i (little-endian), rolled in one byte a step; counting every
        // position of a long repeat overstates the saving, which only errs towards compressing
        int v = (page[off] & 0xff) << 8 | (page[off + 1] & 0xff) << 16 | (page[off + 2] & 0xff) << 24;
        for (int i = off; i + 4 <= end; i++) {
            v = v >>> 8 | (page[i + 3] & 0xff) << 24;
            int h = (v * 0x9E3779B1) >>> (32 - HASH_BITS);
            int cand = lastPos[h];
            if (cand >= 0 && lastVal[h] == v) {
                int l = 4;
                while (i + l < end && page[cand + l] == page[i + l]) l++;
                saved += l - 3;
                if (saved > MAX_SAVING) return true;
            }
            lastPos[h] = i;
            lastVal[h] = v;
        }
        return false;
    }
}
