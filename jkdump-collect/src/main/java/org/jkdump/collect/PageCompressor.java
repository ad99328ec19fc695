package org.jkdump.collect;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;
import org.jkdump.format.PageCodec;
import org.jkdump.format.write.PageEncoder;

/**
 * One compressing thread's page encoder, writing each encoded page into a buffer of the
 * caller's: the zero-page test, the codec (LZO through the system's liblzo2 when it is there,
 * like makedumpfile; deflate after the {@link RandomPage} test, from libdeflate when it is
 * there and through java.util.zip's zlib otherwise or when makedumpfile's bytes are asked for; the rest
 * through the formats layer's {@link PageEncoder}), and the raw page when compressing does not
 * make it smaller. Not thread-safe.
 */
final class PageCompressor {
    /** {@link #encode} result of a page of zeros. */
    static final int ZERO = -1;

    private final PageCodec codec;
    private final int pageSize;
    private final Optional<NativeLzo> lzo;
    private final Optional<NativeDeflate> deflate;
    private final PageEncoder encoder;
    private final RandomPage random = new RandomPage();
    private final byte[] page;
    private final MemorySegment zeros;
    private PageCodec last = PageCodec.NONE;

    /** {@code zlibBytes}: deflate with zlib as makedumpfile does, even where libdeflate is at hand. */
    PageCompressor(PageCodec codec, boolean zlibBytes, int pageSize) {
        this.codec = codec;
        this.pageSize = pageSize;
        this.lzo = codec == PageCodec.LZO ? NativeLzo.load() : Optional.empty();
        this.deflate = codec == PageCodec.ZLIB && !zlibBytes ? NativeDeflate.load() : Optional.empty();
        this.encoder = new PageEncoder(codec, pageSize);
        this.page = new byte[pageSize];
        this.zeros = Arena.ofAuto().allocate(pageSize);
    }

    /** Bytes of room {@link #encode} needs at its output position. */
    static int room(PageCodec codec, int pageSize) {
        int r = Math.max(pageSize, new PageEncoder(codec, pageSize).maxCompressedLength());
        return codec == PageCodec.LZO ? Math.max(r, NativeLzo.maxCompressedLength(pageSize)) : r;
    }

    /** The codec of the last page encoded ({@link PageCodec#NONE}: stored raw, or zero). */
    PageCodec codec() {
        return last;
    }

    /**
     * Encodes the page {@code src} (its own segment, mapped or not) into {@code out[at ..]},
     * which has {@link #room} bytes; returns the bytes written, or {@link #ZERO} for a page of
     * zeros (nothing written).
     */
    int encode(MemorySegment src, byte[] out, int at) {
        // zero pages first: a third of a typical dump, found in place (one vectorised compare
        // that gives up on the first non-zero byte of the others), with no copy and, for LZO,
        // without clearing its 32 KiB dictionary and scanning the page
        if (src.mismatch(zeros) < 0) {
            last = PageCodec.NONE;
            return ZERO;
        }
        if (lzo.isPresent()) {
            int n = lzo.get().compress(src, out, at);
            if (n < pageSize) {
                last = PageCodec.LZO;
                return n;
            }
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, 0, out, at, pageSize);
            last = PageCodec.NONE;
            return pageSize;
        }
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, 0, page, 0, pageSize);
        return encodeNonZero(page, 0, out, at);
    }

    /** {@link #encode(MemorySegment, byte[], int)} of {@code b[off, off+pageSize)}. */
    int encode(byte[] b, int off, byte[] out, int at) {
        if (lzo.isPresent()) return encode(MemorySegment.ofArray(b).asSlice(off, pageSize), out, at);
        if (ZeroPage.test(b, off, pageSize)) {
            last = PageCodec.NONE;
            return ZERO;
        }
        return encodeNonZero(b, off, out, at);
    }

    private int encodeNonZero(byte[] b, int off, byte[] out, int at) {
        // stored raw without trying when zlib provably would not make it smaller (the proof is
        // deflate's: other codecs always try)
        int n;
        if (codec == PageCodec.ZLIB && random.test(b, off, pageSize)) n = -1;
        else if (deflate.isPresent()) n = deflate.get().compress(b, off, pageSize, out, at, pageSize - 1);
        else n = encoder.compressInto(b, off, out, at);
        if (n > 0) {
            last = codec;
            return n;
        }
        System.arraycopy(b, off, out, at, pageSize);
        last = PageCodec.NONE;
        return pageSize;
    }
}
