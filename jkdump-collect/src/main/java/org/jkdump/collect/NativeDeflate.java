package org.jkdump.collect;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Cleaner;
import java.util.Optional;

/**
 * zlib-format deflate from the system's libdeflate (Debian's libdeflate0), called through the
 * FFM API: streams that zlib's {@code uncompress()} (crash, makedumpfile) reads like any
 * other, made in about a third of zlib's time. The bytes are not zlib's: makedumpfile's
 * {@code -c} files and ours hold the same pages, compressed differently. {@link #load} is
 * empty when the library is missing, and the collector falls back to java.util.zip. One
 * instance per thread: it owns a libdeflate compressor, freed when the instance is
 * unreachable.
 */
final class NativeDeflate {
    /**
     * libdeflate's level for {@code -c}. Measured on the 37,262 pages the 4 GiB bench dump keeps
     * at {@code -d 31} (mostly mem_map and page tables) against zlib's level 1 (makedumpfile's
     * Z_BEST_SPEED), 24.69 MB: level 1 is 1.8 % larger, level 2 2.7 % smaller in three quarters
     * of zlib's time; higher levels gain little more and cost more.
     */
    static final int LEVEL = 2;

    private static final Cleaner CLEANER = Cleaner.create(r -> {
        var t = new Thread(r, "jkdump-deflate-cleaner");
        t.setDaemon(true);
        return t;
    });
    private static final Optional<Functions> LIB = bind();

    private record Functions(MethodHandle alloc, MethodHandle compress, MethodHandle free) {
    }

    private final MemorySegment compressor;

    private NativeDeflate(MemorySegment compressor) {
        this.compressor = compressor;
    }

    /** A compressor for this thread, or empty when libdeflate cannot be used here. */
    static Optional<NativeDeflate> load() {
        return LIB.flatMap(f -> {
            MemorySegment c;
            try {
                c = (MemorySegment) f.alloc().invokeExact(LEVEL);
            } catch (Throwable t) {
                return Optional.empty();
            }
            if (c.address() == 0) return Optional.empty();
            var d = new NativeDeflate(c);
            CLEANER.register(d, () -> {
                try {
                    f.free().invokeExact(c);
                } catch (Throwable ignored) {
                    // freeing at exit: nothing to do about it
                }
            });
            return Optional.of(d);
        });
    }

    /** Whether libdeflate is usable. */
    static boolean available() {
        return LIB.isPresent();
    }

    /**
     * Compresses {@code src[off, off+len)} into {@code dst[dstOff, dstOff+room)}; returns the
     * length of the zlib stream, or 0 when it does not fit in {@code room} bytes.
     */
    int compress(byte[] src, int off, int len, byte[] dst, int dstOff, int room) {
        try {
            return (int) (long) LIB.orElseThrow().compress().invokeExact(compressor,
                    MemorySegment.ofArray(src).asSlice(off, len), (long) len, MemorySegment.ofArray(dst).asSlice(dstOff, room), (long) room);
        } catch (Throwable t) {
            throw new IllegalStateException("libdeflate_zlib_compress failed: " + t, t);
        }
    }

    private static Optional<Functions> bind() {
        var found = SystemLibrary.find("libdeflate.so.0");
        if (found.isEmpty()) return Optional.empty();
        try {
            var lib = found.get();
            var linker = SystemLibrary.linker();
            var a = ValueLayout.ADDRESS;
            var size = ValueLayout.JAVA_LONG;
            return Optional.of(new Functions(
                    linker.downcallHandle(lib.findOrThrow("libdeflate_alloc_compressor"), FunctionDescriptor.of(a, ValueLayout.JAVA_INT)),
                    linker.downcallHandle(lib.findOrThrow("libdeflate_zlib_compress"), FunctionDescriptor.of(size, a, a, size, a, size),
                            Linker.Option.critical(true)),
                    linker.downcallHandle(lib.findOrThrow("libdeflate_free_compressor"), FunctionDescriptor.ofVoid(a))));
        } catch (Throwable unusable) {
            // not the functions we know: java.util.zip takes over
            return Optional.empty();
        }
    }
}
