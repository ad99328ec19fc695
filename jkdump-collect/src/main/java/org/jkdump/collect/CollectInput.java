package org.jkdump.collect;

import java.nio.file.Path;
import java.util.Optional;
import org.jkdump.format.DumpFile;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.MappedSource;

/**
 * The dump a collect run reads, with the mapping behind it when it is one mapped file (as
 * /proc/vmcore is). Pages read through a mapping stay resident in the process until dropped,
 * so the collector {@link #release()}s what it has read as it goes: peak RSS then stays flat
 * whatever the dump's size, while the page cache still holds the bytes.
 */
public record CollectInput(DumpFile dump, Optional<MappedSource> mapping) implements AutoCloseable {

    /** Opens one dump (mapped) or a split set. */
    public static CollectInput open(Path... paths) {
        if (paths.length != 1) return new CollectInput(DumpFiles.open(paths), Optional.empty());
        var source = MappedSource.open(paths[0]);
        try {
            return new CollectInput(DumpFiles.open(source), Optional.of(source));
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** Wraps a dump opened elsewhere; nothing to release. */
    public static CollectInput of(DumpFile dump) {
        return new CollectInput(dump, Optional.empty());
    }

    /** Drops the mapped pages read so far from this process (madvise MADV_DONTNEED through MemorySegment.unload). */
    public void release() {
        mapping.ifPresent(m -> m.segment().unload());
    }

    @Override
    public void close() {
        dump.close();
    }
}
