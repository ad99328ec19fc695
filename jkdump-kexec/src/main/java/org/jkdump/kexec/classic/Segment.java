package org.jkdump.kexec.classic;

import java.nio.file.Path;

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
    }

    public long bufsz() {
        return content.size();
    }

    public long end() {
        return mem + memsz - 1;
    }
}
