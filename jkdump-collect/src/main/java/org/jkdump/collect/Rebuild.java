package org.jkdump.collect;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.jkdump.format.FlattenedSource;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.write.FileSink;

/**
 * makedumpfile -R: turns a flattened stream (from a pipe, e.g. ssh) back into the dump file
 * it describes, placing each record's bytes at its offset. The stream is read once, in
 * records of at most {@value #MAX_RECORD} bytes; the file is written as
 * {@code OUTPUT.incomplete} and renamed only when the end record has arrived.
 */
public final class Rebuild {
    /** makedumpfile writes records of at most a few MiB; more is a corrupt stream. */
    static final int MAX_RECORD = 64 << 20;

    private Rebuild() {
    }

    /** Reads the stream from {@code in} and writes {@code output}; returns the bytes written. */
    public static long fromFlattened(InputStream in, Path output) {
        var tmp = Collector.incompletePath(output);
        var data = new DataInputStream(in);
        long pos = 0, end = 0;
        var sink = FileSink.create(tmp);
        try {
            var header = new byte[FlattenedSource.HEADER_SIZE];
            data.readFully(header);
            var sig = new String(header, 0, FlattenedSource.SIGNATURE.length(), StandardCharsets.ISO_8859_1);
            if (!sig.equals(FlattenedSource.SIGNATURE))
                throw new JkdumpException("stdin: offset 0x0: not a flattened dump (expected signature \"makedumpfile\")");
            pos = header.length;
            var buf = new byte[1 << 20];
            while (true) {
                long offset = data.readLong(), size = data.readLong();
                if (offset == -1 && size == -1) break;
                if (offset < 0 || size < 0 || size > MAX_RECORD)
                    throw new JkdumpException(String.format("stdin: offset 0x%x: record of %d bytes at file offset %d is corrupt", pos, size, offset));
                pos += 16;
                long at = offset;
                for (long left = size; left > 0; ) {
                    int n = (int) Math.min(buf.length, left);
                    data.readFully(buf, 0, n);
                    sink.write(at, buf, 0, n);
                    at += n;
                    left -= n;
                }
                pos += size;
                end = Math.max(end, offset + size);
            }
        } catch (EOFException e) {
            sink.close();
            throw new JkdumpException(String.format("stdin: offset 0x%x: the flattened stream ends without its end record; %s is left incomplete", pos, tmp));
        } catch (IOException e) {
            sink.close();
            throw new JkdumpException("stdin: cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            sink.close();
            throw e;
        }
        sink.close();
        try {
            Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new JkdumpException(tmp + ": complete, but cannot be renamed to " + output + ": " + e.getMessage(), e);
        }
        return end;
    }
}
