package org.jkdump.format.write;

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

    /** Flushes and closes; the sink accepts no more writes. */
    @Override
    void close();
}
