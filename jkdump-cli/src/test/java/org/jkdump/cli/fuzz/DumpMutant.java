package org.jkdump.cli.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * One damaged copy of a real dump: the fixture it starts from, bytes appended at its end,
 * patches written over it (which may land in the appended bytes) and a length it is cut to.
 * {@link #write} makes the file; nothing of the fixture is held in memory.
 *
 * @param truncateTo the length the copy is cut to, or -1 to keep it whole
 */
public record DumpMutant(int id, String fixture, Path source, String kind, String what, byte[] append, List<Patch> patches,
                         long truncateTo) {
    /** {@code bytes} written at {@code offset} of the copy. */
    public record Patch(long offset, byte[] bytes) {
    }

    /** Writes the damaged copy to {@code to}. */
    public void write(Path to) {
        try {
            Files.copy(source, to, StandardCopyOption.REPLACE_EXISTING);
            try (var ch = FileChannel.open(to, StandardOpenOption.WRITE)) {
                if (append.length > 0) ch.write(ByteBuffer.wrap(append), ch.size());
                for (var p : patches) ch.write(ByteBuffer.wrap(p.bytes()), p.offset());
                if (truncateTo >= 0) ch.truncate(truncateTo);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "#" + id + " " + fixture + " " + kind + ": " + what;
    }
}
