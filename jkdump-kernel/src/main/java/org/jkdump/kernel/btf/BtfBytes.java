package org.jkdump.kernel.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The raw bytes of one BTF blob with little-endian reads and the blob's name for messages.
 * Callers check ranges before reading (the parser validates every record against its
 * section first); a read past the end is still caught here and reported, not thrown as an
 * IndexOutOfBoundsException.
 */
final class BtfBytes {
    private final String name;
    private final ByteBuffer buf;

    BtfBytes(String name, byte[] data) {
        this.name = name;
        this.buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    String name() {
        return name;
    }

    int length() {
        return buf.capacity();
    }

    int u8(int off) {
        check(off, 1);
        return buf.get(off) & 0xff;
    }

    int u16(int off) {
        check(off, 2);
        return buf.getShort(off) & 0xffff;
    }

    /** A u32 field as a non-negative long. */
    long u32(int off) {
        return Integer.toUnsignedLong(i32(off));
    }

    int i32(int off) {
        check(off, 4);
        return buf.getInt(off);
    }

    byte[] array() {
        return buf.array();
    }

    MalformedBtfException malformed(long off, String format, Object... args) {
        return new MalformedBtfException(name, off, String.format(format, args));
    }

    private void check(int off, int len) {
        if (off < 0 || off > length() - len)
            throw malformed(off, "read of %d bytes past the end of the blob (%d bytes)", len, length());
    }
}
