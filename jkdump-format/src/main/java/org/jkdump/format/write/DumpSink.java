package org.jkdump.format.write;

import java.nio.ByteBuffer;

/**
 * Where a writer's bytes go, each write placed at a file offset: a file written with
 * positional writes ({@link FileSink}), or a makedumpfile flattened stream that records the
 * offset in front of the bytes ({@link FlattenedWriter}) for a pipe or ssh. Writers buffer,
 * so writes are few and large; a later write may replace bytes of an earlier one (headers
 * are rewritten at the end).
 */
public interface DumpSink extends AutoCloseable {
    /** The name used in messages (the output path, or "stdout"). */
    String name();

    /** Writes {@code b[off, off+len)} at file offset {@code offset}. */
    void write(long offset, byte[] b, int off, int len);

    /**
     * Writes the bytes from {@code src}'s position to its limit at file offset {@code offset},
     * and moves its position to the limit. Sinks that hand a direct buffer to the system as it
     * is override this (and {@link #prefersDirectBuffers()}); the default goes through
     * {@link #write(long, byte[], int, int)}.
     */
    default void write(long offset, ByteBuffer src) {
        int len = src.remaining();
        if (src.hasArray()) {
            write(offset, src.array(), src.arrayOffset() + src.position(), len);
        } else {
            var b = new byte[len];
            src.get(src.position(), b);
            write(offset, b, 0, len);
        }
        src.position(src.limit());
    }

    /** Whether writers should buffer in direct (native) memory: a file takes it without a copy. */
    default boolean prefersDirectBuffers() {
        return false;
    }

    /** Flushes and closes; the sink accepts no more writes. */
    @Override
    void close();
}
