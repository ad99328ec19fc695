package org.jkdump.format.write;

import io.airlift.compress.Compressor;
import io.airlift.compress.lzo.LzoCompressor;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import java.util.Arrays;
import java.util.zip.Deflater;
import org.jkdump.format.PageCodec;

/**
 * Compresses pages the way makedumpfile does: zlib at level 1 (Z_BEST_SPEED), LZO1X-1, raw
 * snappy, or zstd; a page that does not shrink is stored raw, and an all-zero page is marked
 * so the writer can point it at the shared zero page. One encoder per thread (the compressors
 * keep state); encoders on several threads produce identical bytes for identical pages.
 */
public final class PageEncoder {
    private static final byte[] NO_BYTES = new byte[0];

    private final PageCodec codec;
    private final int pageSize;
    private final byte[] zeros;
    private final Deflater deflater;
    private final Compressor compressor;
    private final byte[] out;

    public PageEncoder(PageCodec codec, int pageSize) {
        this.codec = codec;
        this.pageSize = pageSize;
        this.zeros = new byte[pageSize];
        this.deflater = codec == PageCodec.ZLIB ? new Deflater(Deflater.BEST_SPEED) : null;
        this.compressor = switch (codec) {
            case LZO -> new LzoCompressor();
            case SNAPPY -> new SnappyCompressor();
            case ZSTD -> new ZstdCompressor();
            case NONE, ZLIB -> null;
        };
        int max = compressor != null ? compressor.maxCompressedLength(pageSize) : pageSize + 64;
        this.out = new byte[Math.max(max, pageSize)];
    }

    public PageCodec codec() {
        return codec;
    }

    /** Encodes {@code page[off, off+pageSize)} of frame {@code pfn}; the result owns fresh arrays. */
    public CompressedPage encode(long pfn, byte[] page, int off) {
        if (Arrays.equals(page, off, off + pageSize, zeros, 0, pageSize))
            return new CompressedPage(pfn, PageCodec.NONE, NO_BYTES, 0, true);
        int n = compress(page, off);
        if (n > 0 && n < pageSize) return new CompressedPage(pfn, codec, Arrays.copyOf(out, n), n, false);
        return new CompressedPage(pfn, PageCodec.NONE, Arrays.copyOfRange(page, off, off + pageSize), pageSize, false);
    }

    /** Bytes of the compressed form in {@link #out}, or -1 when it would not be smaller than a page. */
    private int compress(byte[] page, int off) {
        return compressInto(page, off, out, 0);
    }

    /** Room {@link #compressInto} needs in its output array. */
    public int maxCompressedLength() {
        return out.length;
    }

    /**
     * Compresses {@code page[off, off+pageSize)} into {@code dst[dstOff ..]}, which has
     * {@link #maxCompressedLength} bytes of room; returns the length written, or -1 when the
     * compressed form would not be smaller than a page (the page is then stored raw). For
     * callers that keep pages back to back in buffers of their own.
     */
    public int compressInto(byte[] page, int off, byte[] dst, int dstOff) {
        switch (codec) {
            case NONE -> {
                return -1;
            }
            case ZLIB -> {
                deflater.reset();
                deflater.setInput(page, off, pageSize);
                deflater.finish();
                // Stop one byte short of a page: anything that long is stored raw anyway.
                int n = 0;
                while (!deflater.finished() && n < pageSize - 1) n += deflater.deflate(dst, dstOff + n, pageSize - 1 - n);
                return deflater.finished() ? n : -1;
            }
            default -> {
                int n = compressor.compress(page, off, pageSize, dst, dstOff, out.length);
                return n > 0 && n < pageSize ? n : -1;
            }
        }
    }
}
