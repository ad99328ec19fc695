package org.jkdump.collect;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** The zero-page test of dump level 1: every byte of the page is zero (read 8 bytes at a time). */
public final class ZeroPage {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private ZeroPage() {
    }

    /** Whether {@code b[off, off+len)} is all zero; {@code len} is a multiple of 8. */
    public static boolean test(byte[] b, int off, int len) {
        for (int i = off, end = off + len; i < end; i += 8)
            if ((long) LONGS.get(b, i) != 0) return false;
        return true;
    }
}
