package org.jkdump.collect;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A cheap test for pages that zlib or zstd would store raw anyway (random or already
 * compressed data), so that they skip the compressor: the byte histogram's entropy is near
 * 8 bits a byte (entropy coding cannot shrink the page by the ~20 bytes deflate's framing
 * costs) and an exhaustive scan for repeated 4-byte sequences finds fewer than
 * {@value #MAX_SAVING} bytes an LZ coder could save. Both passes cost a few microseconds a
 * page, against tens for zlib level 1. Not thread-safe (one per worker).
 */
final class RandomPage {
    /** Entropy per byte above which Huffman coding gains less than deflate's block overhead. */
    private static final double MIN_BITS_PER_BYTE = 7.95;
    /** Bytes of matches (beyond a literal's cost) that could let deflate beat a stored page. */
    private static final int MAX_SAVING = 8;
    private static final int PREFIX = 512, MIN_PREFIX_DISTINCT = 190;
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final double[] C_LOG2_C = new double[65537];

    static {
        for (int c = 1; c < C_LOG2_C.length; c++) C_LOG2_C[c] = c * (Math.log(c) / Math.log(2));
    }

    private final int[] hist = new int[256];
    private final int[] last = new int[1 << 12];

    boolean test(byte[] page, int off, int len) {
        if (len > 65536 || len < 1024) return false;
        // Quick reject on a prefix: 512 random bytes show ~221 distinct values, text and
        // kernel data far fewer. Most pages stop here after 512 byte reads.
        Arrays.fill(hist, 0);
        int distinct = 0;
        for (int i = off, end = off + PREFIX; i < end; i++)
            if (hist[page[i] & 0xff]++ == 0) distinct++;
        if (distinct < MIN_PREFIX_DISTINCT) return false;
        Arrays.fill(hist, 0);
        for (int i = off, end = off + len; i < end; i++) hist[page[i] & 0xff]++;
        // H = log2(n) - (1/n) * sum c log2 c
        double sum = 0;
        for (int c : hist) sum += C_LOG2_C[c];
        if (Math.log(len) / Math.log(2) - sum / len < MIN_BITS_PER_BYTE) return false;
        return !hasRepeats(page, off, len);
    }

    /** Whether repeated sequences of 4 bytes or more could save more than MAX_SAVING bytes. */
    private boolean hasRepeats(byte[] page, int off, int len) {
        Arrays.fill(last, -1);
        int saved = 0, end = off + len;
        for (int i = off; i + 4 <= end; ) {
            int v = (int) INT.get(page, i);
            int h = (v * 0x9E3779B1) >>> 20;
            int cand = last[h];
            last[h] = i;
            if (cand >= 0 && (int) INT.get(page, cand) == v) {
                int l = 4;
                while (i + l < end && page[cand + l] == page[i + l]) l++;
                saved += l - 3;
                if (saved > MAX_SAVING) return true;
                i += l;
            } else {
                i++;
            }
        }
        return false;
    }
}
