package org.jkdump.format.write;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jkdump.format.FlattenedSource;
import org.jkdump.format.JkdumpException;

/**
 * makedumpfile's flattened format ({@code -F}): a dump written to a stream that cannot seek.
 * A 4096-byte header ("makedumpfile", big-endian type and version), then for every write a
 * big-endian (offset, size) record header and the bytes, and an end record (-1, -1) when
 * closed. Any writer can write through it; {@code makedumpfile -R} or our
 * {@link org.jkdump.format.FlattenedDump} turns it back into the file.
 */
public final class FlattenedWriter implements DumpSink {
    private final String name;
    private final OutputStream out;
    private boolean closed;

    /** Writes the stream header to {@code out} at once; {@code out} is closed with the writer. */
    public FlattenedWriter(String name, OutputStream out) {
        this.name = name;
        this.out = out;
        var header = new byte[FlattenedSource.HEADER_SIZE];
        var sig = FlattenedSource.SIGNATURE.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(sig, 0, header, 0, sig.length);
        ByteBuffer.wrap(header).putLong(16, FlattenedSource.TYPE_FLAT).putLong(24, FlattenedSource.VERSION_FLAT);
        put(header, 0, header.length);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void write(long offset, byte[] b, int off, int len) {
        if (closed) throw new IllegalStateException(name + ": flattened stream already closed");
        if (len == 0) return;
        put(ByteBuffer.allocate(FlattenedSource.RECORD_HEADER).putLong(offset).putLong(len).array(), 0, FlattenedSource.RECORD_HEADER);
        put(b, off, len);
    }

    private void put(byte[] b, int off, int len) {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw new JkdumpException(name + ": cannot write the flattened stream: " + e.getMessage(), e);
        }
    }

    /** Writes the end record and closes the stream. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        put(ByteBuffer.allocate(FlattenedSource.RECORD_HEADER).putLong(-1).putLong(-1).array(), 0, FlattenedSource.RECORD_HEADER);
        try {
            out.close();
        } catch (IOException e) {
            throw new JkdumpException(name + ": cannot close the flattened stream: " + e.getMessage(), e);
        }
    }
}
