package org.jkdump.format;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A whole file mapped read-only as one {@link MemorySegment}: random access without copies
 * through the page cache, the way dumps are meant to be read. Closing unmaps it.
 */
public final class MappedSource implements DumpSource {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String name;
    private final Arena arena;
    private final MemorySegment segment;

    private MappedSource(String name, Arena arena, MemorySegment segment) {
        this.name = name;
        this.arena = arena;
        this.segment = segment;
    }

    /**
     * Maps {@code path}; an empty file, a directory, a FIFO or device (which cannot be mapped,
     * and whose open may block for ever) or an unreadable file fail with a clear message.
     */
    public static MappedSource open(Path path) {
        var name = path.toString();
        if (Files.isDirectory(path)) throw new JkdumpException(name + ": is a directory, not a dump file");
        if (!Files.exists(path)) throw new JkdumpException(name + ": no such file");
        if (!Files.isRegularFile(path))
            throw new JkdumpException(name + ": is not a regular file (a FIFO, socket or device): a dump file is read by mapping it");
        try (var ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) throw new JkdumpException(name + ": the file is empty");
            var arena = Arena.ofShared();
            try {
                return new MappedSource(name, arena, ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena));
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        } catch (IOException e) {
            throw new JkdumpException(name + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Wraps bytes already in memory (tests, small buffers). */
    public static MappedSource of(String name, byte[] bytes) {
        var arena = Arena.ofShared();
        var seg = arena.allocate(Math.max(1, bytes.length));
        MemorySegment.copy(bytes, 0, seg, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return new MappedSource(name, arena, seg.asSlice(0, bytes.length));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return segment.byteSize();
    }

    /** The mapped bytes, for readers that want zero-copy slices. */
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public MemorySegment segment(long offset, long len, String what) {
        checkRange(offset, len, what);
        return segment.asSlice(offset, len).asReadOnly();
    }

    @Override
    public void read(long offset, byte[] dst, int dstOff, int len) {
        checkRange(offset, len, "read");
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, dst, dstOff, len);
    }

    @Override
    public int u8(long offset) {
        checkRange(offset, 1, "read");
        return segment.get(ValueLayout.JAVA_BYTE, offset) & 0xff;
    }

    @Override
    public long u32(long offset) {
        checkRange(offset, 4, "read");
        return Integer.toUnsignedLong(segment.get(I32, offset));
    }

    @Override
    public int i32(long offset) {
        checkRange(offset, 4, "read");
        return segment.get(I32, offset);
    }

    @Override
    public long u64(long offset) {
        checkRange(offset, 8, "read");
        return segment.get(I64, offset);
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) arena.close();
    }
}
