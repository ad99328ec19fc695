package org.jkdump.format;

import io.airlift.compress.Decompressor;
import io.airlift.compress.lzo.LzoDecompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes one stored page into exactly one page of bytes, for one thread at a time (the
 * decompressors keep state). Anything that does not come out as exactly a page — short
 * output, output past the page, a corrupt stream — is reported as a {@link Failure} whose
 * message the caller places at the page's file offset.
 */
final class PageDecoder {
    /** Why a stored page does not decode; the caller adds file and offset. */
    static final class Failure extends Exception {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    private final Inflater inflater = new Inflater();
    private Decompressor lzo, snappy, zstd;
    private byte[] scratch = new byte[0];

    /** A buffer of at least {@code n} bytes for the stored form, reused between calls. */
    byte[] scratch(int n) {
        if (scratch.length < n) scratch = new byte[n];
        return scratch;
    }

    /** Decodes {@code src[0, len)} into {@code dst[dstOff, dstOff+pageSize)}. */
    void decode(PageCodec codec, byte[] src, int len, byte[] dst, int dstOff, int pageSize) throws Failure {
        switch (codec) {
            case NONE -> {
                if (len != pageSize) throw new Failure("raw page of " + len + " bytes, the page size is " + pageSize);
                System.arraycopy(src, 0, dst, dstOff, pageSize);
            }
            case ZLIB -> inflate(src, len, dst, dstOff, pageSize);
            case LZO -> exact(codec, lzo == null ? lzo = new LzoDecompressor() : lzo, src, len, dst, dstOff, pageSize);
            case SNAPPY -> {
                int claimed;
                try {
                    claimed = SnappyDecompressor.getUncompressedLength(src, 0);
                } catch (RuntimeException e) {
                    throw new Failure("snappy data is corrupt: " + e.getMessage());
                }
                if (claimed != pageSize)
                    throw new Failure("snappy data claims " + Integer.toUnsignedString(claimed) + " bytes, the page size is " + pageSize);
                exact(codec, snappy == null ? snappy = new SnappyDecompressor() : snappy, src, len, dst, dstOff, pageSize);
            }
            case ZSTD -> exact(codec, zstd == null ? zstd = new ZstdDecompressor() : zstd, src, len, dst, dstOff, pageSize);
        }
    }

    private void inflate(byte[] src, int len, byte[] dst, int dstOff, int pageSize) throws Failure {
        inflater.reset();
        inflater.setInput(src, 0, len);
        try {
            int n = inflater.inflate(dst, dstOff, pageSize);
            if (n == pageSize && !inflater.finished()) {
                // The stream may still end with nothing more to emit; anything else is data past the page.
                byte[] one = new byte[1];
                if (inflater.inflate(one) > 0 || !inflater.finished())
                    throw new Failure("zlib data inflates past the " + pageSize + "-byte page");
            }
            if (n < pageSize)
                throw new Failure("zlib data inflates to " + n + " bytes, the page size is " + pageSize
                        + (inflater.finished() ? "" : " (stream cut short)"));
        } catch (DataFormatException e) {
            throw new Failure("zlib data is corrupt: " + e.getMessage());
        }
    }

    /** Runs an aircompressor decoder into exactly a page; its exceptions become failures. */
    private static void exact(PageCodec codec, Decompressor d, byte[] src, int len, byte[] dst, int dstOff, int pageSize)
            throws Failure {
        int n;
        try {
            n = d.decompress(src, 0, len, dst, dstOff, pageSize);
        } catch (RuntimeException e) {
            // aircompressor reports output overrun and corrupt input alike as runtime exceptions.
            throw new Failure(codec.text() + " data is corrupt or inflates past the " + pageSize + "-byte page: " + e.getMessage());
        }
        if (n != pageSize)
            throw new Failure(codec.text() + " data decodes to " + n + " bytes, the page size is " + pageSize);
    }
}
