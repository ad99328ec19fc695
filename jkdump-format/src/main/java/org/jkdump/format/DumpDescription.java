package org.jkdump.format;

import java.util.List;
import java.util.OptionalInt;

/**
 * What a dump file says about itself, apart from the kernel inside it: format, producer,
 * header version and status, compression, dump level and the memory ranges. {@code jkdump
 * info} prints this together with the VMCOREINFO and CPU notes.
 *
 * @param producer    who wrote it: "makedumpfile", "kernel (/proc/vmcore)", "QEMU", "jkdump"
 * @param statusFlags names of the header's status bits that are set (e.g. "INCOMPLETE", "COMPRESSED_LZO")
 * @param compression page codecs in use ("zlib", "lzo", "snappy", "zstd", "none", or a mix)
 * @param dumpLevel   makedumpfile's -d level when the file records it
 */
public record DumpDescription(String file, DumpFormat format, String producer, OptionalInt headerVersion,
                              List<String> statusFlags, boolean incomplete, String compression,
                              OptionalInt dumpLevel, long fileSize, List<MemoryRange> ranges) {
    public DumpDescription {
        statusFlags = List.copyOf(statusFlags);
        ranges = List.copyOf(ranges);
    }
}
