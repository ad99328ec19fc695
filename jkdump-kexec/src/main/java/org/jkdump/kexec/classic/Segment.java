package org.jkdump.kexec.classic;

import java.nio.file.Path;
import org.jkdump.format.JkdumpException;

/**
 * One struct kexec_segment (include/uapi/linux/kexec.h): {@code bufsz} bytes of content copied
 * to physical {@code mem}, the rest of {@code memsz} zeroed. The kernel wants mem and memsz
 * page-aligned and every segment inside the crashkernel= reservation.
 */
public record Segment(String name, Content content, long mem, long memsz) {
    /** Where a segment's bytes come from: built in memory, or a slice of a file (kernel, initramfs). */
    public sealed interface Content {
        long size();
    }

    public record Bytes(byte[] bytes) implements Content {
        @Override
        public long size() {
            return bytes.length;
        }
    }

    public record FileSlice(Path file, long offset, long size) implements Content {
        /** The slice's bytes in memory (a kernel: a few MiB). */
        byte[] read() {
            if (size > Integer.MAX_VALUE - 8) throw new JkdumpException(file + ": slice of " + size + " bytes is too large to hold in memory");
            try (var ch = java.nio.channels.FileChannel.open(file)) {
                var buf = java.nio.ByteBuffer.allocate((int) size);
                while (buf.hasRemaining())
                    if (ch.read(buf, offset + buf.position()) < 0)
                        throw new JkdumpException(String.format("%s: ends at offset 0x%x, the segment needs 0x%x", file, offset + buf.position(), offset + size));
                return buf.array();
            } catch (java.io.IOException e) {
                throw new JkdumpException(file + ": cannot read: " + e.getMessage(), e);
            }
        }
    }

    public long bufsz() {
        return content.size();
    }

    public long end() {
        return mem + memsz - 1;
    }
}
