package org.jkdump.collect;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * LZO1X-1 from the system's liblzo2 (the library makedumpfile's {@code -l} links), called
 * through the FFM API: the same bytes makedumpfile writes, at C speed, where the pure-Java
 * compressor under the launcher's C1-only JIT costs about three times the CPU. The calls are
 * critical (no safepoint, heap arrays passed in place): one page takes microseconds, and the
 * page and output buffers need no copies. {@link #load()} is empty when the library is
 * missing or refuses our ABI (64-bit Linux types), and the collector falls back to
 * aircompressor. One instance per thread: it owns its work memory.
 */
final class NativeLzo {
    /** lzo1x.h: LZO1X_1_MEM_COMPRESS = 16384 * lzo_sizeof_dict_t (a pointer, 8 bytes on LP64). */
    private static final long WORK_MEMORY = 16384L * 8;
    /** lzoconf.h's LZO_VERSION that lzo_init() passes: 2.10, Debian 12's (and makedumpfile's) library. */
    private static final int LZO_VERSION = 0x20a0;

    private static final Optional<MethodHandle> COMPRESS = bind();

    private final Arena arena = Arena.ofAuto();
    private final MemorySegment work = arena.allocate(WORK_MEMORY, 16);
    private final long[] outLen = new long[1];
    private final MemorySegment outLenSegment = MemorySegment.ofArray(outLen);

    private NativeLzo() {
    }

    /** A compressor for this thread, or empty when liblzo2 cannot be used here. */
    static Optional<NativeLzo> load() {
        return COMPRESS.map(c -> new NativeLzo());
    }

    /** Whether liblzo2 is usable. */
    static boolean available() {
        return COMPRESS.isPresent();
    }

    /**
     * The worst-case output of {@code len} input bytes (LZO's documented bound: len + len/16 + 64 + 3).
     */
    static int maxCompressedLength(int len) {
        return len + len / 16 + 64 + 3;
    }

    /**
     * Compresses {@code src} (native or heap) into {@code dst[dstOff ..]}, which must have
     * {@link #maxCompressedLength} bytes of room; returns the compressed length.
     */
    int compress(MemorySegment src, byte[] dst, int dstOff) {
        int rc;
        try {
            rc = (int) COMPRESS.orElseThrow().invokeExact(src, src.byteSize(), MemorySegment.ofArray(dst).asSlice(dstOff),
                    outLenSegment, work);
        } catch (Throwable t) {
            throw new IllegalStateException("lzo1x_1_compress failed: " + t, t);
        }
        if (rc != 0) throw new IllegalStateException("lzo1x_1_compress returned " + rc);
        return (int) outLen[0];
    }

    private static Optional<MethodHandle> bind() {
        var found = SystemLibrary.find("liblzo2.so.2");
        if (found.isEmpty()) return Optional.empty();
        try {
            var lib = found.get();
            var linker = SystemLibrary.linker();
            var i = ValueLayout.JAVA_INT;
            var init = linker.downcallHandle(lib.findOrThrow("__lzo_init_v2"),
                    FunctionDescriptor.of(i, i, i, i, i, i, i, i, i, i, i));
            // lzo_init(): the library checks our view of its types: short, int, long, lzo_uint32_t,
            // lzo_uint, lzo_sizeof_dict_t, char *, lzo_voidp, lzo_callback_t (six pointer-sized fields)
            int ok = (int) init.invokeExact(LZO_VERSION, 2, 4, 8, 4, 8, 8, 8, 8, 48);
            if (ok != 0) return Optional.empty();
            var a = ValueLayout.ADDRESS;
            return Optional.of(linker.downcallHandle(lib.findOrThrow("lzo1x_1_compress"),
                    FunctionDescriptor.of(i, a, ValueLayout.JAVA_LONG, a, a, a), Linker.Option.critical(true)));
        } catch (Throwable missing) {
            // no liblzo2 (or not this ABI): aircompressor takes over
            return Optional.empty();
        }
    }
}
