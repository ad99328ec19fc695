package org.jkdump.kernel.helpers;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A snapshot of kernel memory (a structure or an array of them) with little-endian field
 * reads at byte offsets. Callers check offsets against the structure sizes they were given
 * before reading, so an out-of-range read here is a bug, not bad input.
 */
final class StructBytes {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final byte[] bytes;
    private final MemorySegment segment;

    StructBytes(byte[] bytes) {
        this.bytes = bytes;
        this.segment = MemorySegment.ofArray(bytes);
    }

    int length() {
        return bytes.length;
    }

    int u8(long offset) {
        return bytes[(int) offset] & 0xff;
    }

    int u16(long offset) {
        return segment.get(U16, offset) & 0xffff;
    }

    int u32(long offset) {
        return segment.get(U32, offset);
    }

    long u64(long offset) {
        return segment.get(U64, offset);
    }

    byte[] slice(long offset, int len) {
        var out = new byte[len];
        System.arraycopy(bytes, (int) offset, out, 0, len);
        return out;
    }

    /** A NUL-terminated string in a {@code max}-byte field. */
    String cString(long offset, int max) {
        int n = 0;
        while (n < max && bytes[(int) offset + n] != 0) n++;
        return new String(bytes, (int) offset, n, StandardCharsets.UTF_8);
    }
}
