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

    /**
     * Drops the mapped pages read so far from this process (madvise MADV_DONTNEED through
     * MemorySegment.unload). A mapping of /proc/vmcore is a PFN mapping of the old kernel's
     * memory, where the kernel refuses MADV_DONTNEED (EINVAL): those pages were never this
     * process's memory, so there is nothing to drop and the refusal is ignored.
     */
    public void release() {
        release(-1, -1);
    }

    /**
     * Drops the mapped pages of file offsets {@code [from, to)}, or all of them when {@code from}
     * is -1, as {@link #release()} does.
     */
    public void release(long from, long to) {
        mapping.ifPresent(m -> {
            try {
                var seg = m.segment();
                if (from >= 0) {
                    long end = Math.min(to, seg.byteSize());
                    if (end <= from) return;
                    seg = seg.asSlice(from, end - from);
                }
                seg.unload();
            } catch (java.io.UncheckedIOException refused) {
                // PFN mapping (/proc/vmcore): nothing resident to give back
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception refused) {
                // the JDK's native madvise call throws its IOException undeclared: the same refusal
            }
        });
    }

    @Override
    public void close() {
        dump.close();
    }
}
