package org.jkdump.format.write;

import java.util.Arrays;

/** A sink into memory, for tests that build a dump and then damage it. */
public final class ByteArraySink implements DumpSink {
    private byte[] bytes = new byte[1 << 16];
    private int size;

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public void write(long offset, byte[] b, int off, int len) {
        int end = Math.toIntExact(offset + len);
        if (end > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(end, bytes.length * 2));
        System.arraycopy(b, off, bytes, (int) offset, len);
        size = Math.max(size, end);
    }

    @Override
    public void close() {
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }
}
