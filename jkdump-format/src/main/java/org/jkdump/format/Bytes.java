package org.jkdump.format;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Little- and big-endian stores into byte arrays, for the writers' headers. */
final class Bytes {
    private static final VarHandle LE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LE32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LE16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle BE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Bytes() {
    }

    static void putLong(byte[] b, int at, long v) {
        LE64.set(b, at, v);
    }

    static void putInt(byte[] b, int at, int v) {
        LE32.set(b, at, v);
    }

    static void putShort(byte[] b, int at, int v) {
        LE16.set(b, at, (short) v);
    }

    static void putLongBigEndian(byte[] b, int at, long v) {
        BE64.set(b, at, v);
    }

    static long getLongBigEndian(byte[] b, int at) {
        return (long) BE64.get(b, at);
    }

    static void putAscii(byte[] b, int at, String s) {
        var bytes = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        System.arraycopy(bytes, 0, b, at, bytes.length);
    }
}
