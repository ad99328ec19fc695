package org.jkdump.format;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A read-only byte source addressed by offset: a mapped file, or the logical file behind a
 * flattened stream. Every read is bounds-checked; errors carry the source's name and the
 * offset so that a message says which file and where.
 */
public interface DumpSource extends AutoCloseable {
    /** The name used in messages (the file's name as the user gave it). */
    String name();

    /** Length in bytes. */
    long size();

    /** Copies {@code len} bytes at {@code offset} into {@code dst[dstOff..]}; fails past the end. */
    void read(long offset, byte[] dst, int dstOff, int len);

    @Override
    default void close() {
    }

    default byte[] bytes(long offset, int len) {
        var b = new byte[len];
        read(offset, b, 0, len);
        return b;
    }

    default int u8(long offset) {
        return bytes(offset, 1)[0] & 0xff;
    }

    default int u16(long offset) {
        var b = bytes(offset, 2);
        return (b[0] & 0xff) | (b[1] & 0xff) << 8;
    }

    default int i32(long offset) {
        return java.nio.ByteBuffer.wrap(bytes(offset, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    default long u32(long offset) {
        return Integer.toUnsignedLong(i32(offset));
    }

    default long u64(long offset) {
        return java.nio.ByteBuffer.wrap(bytes(offset, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** Big-endian 64-bit value (makedumpfile's flattened format stores its record headers so). */
    default long u64be(long offset) {
        return java.nio.ByteBuffer.wrap(bytes(offset, 8)).order(ByteOrder.BIG_ENDIAN).getLong();
    }

    /**
     * The bytes {@code [offset, offset+len)} as a read-only segment: a zero-copy slice where the
     * source is mapped, a heap copy otherwise. Callers bound {@code len} before asking.
     */
    default MemorySegment segment(long offset, long len, String what) {
        checkRange(offset, len, what);
        if (len > Integer.MAX_VALUE - 8)
            throw malformed(offset, "%s (%d bytes) is too large to read", what, len);
        return MemorySegment.ofArray(bytes(offset, (int) len)).asReadOnly();
    }

    /** A NUL-terminated or fixed-width ASCII field, trailing NULs dropped. */
    default String ascii(long offset, int len) {
        var b = bytes(offset, len);
        int n = 0;
        while (n < len && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
    }

    /** Fails unless the bytes at {@code offset} are {@code expected}. */
    default void expect(long offset, String expected) {
        if (offset + expected.length() > size())
            throw malformed(offset, "file ends before the %d-byte signature \"%s\"", expected.length(), expected.trim());
        var found = new String(bytes(offset, expected.length()), StandardCharsets.ISO_8859_1);
        if (!found.equals(expected))
            throw malformed(offset, "expected signature \"%s\", found \"%s\"", expected.trim(), found.replaceAll("[^\\x20-\\x7e]", "?").trim());
    }

    /** Fails unless {@code [offset, offset+len)} lies inside the source; names {@code what}. */
    default void checkRange(long offset, long len, String what) {
        if (offset < 0 || len < 0 || offset > size() || len > size() - offset)
            throw malformed(offset, "%s (%d bytes) extends past the end of the file (%d bytes)", what, len, size());
    }

    /** An exception naming this source and the offset; the caller throws it. */
    default MalformedDumpException malformed(long offset, String format, Object... args) {
        return new MalformedDumpException(name(), offset, String.format(format, args));
    }
}
