package org.jkdump.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The step of the capture that turns /proc/vmcore into the saved dump. This is the seam where
 * {@code jkdump collect} (page filtering and compression, module jkdump-collect) plugs in;
 * until it does, {@link RawVmcoreCopy} saves the ELF as it is and ignores the flags.
 */
public interface DumpCollector {
    /**
     * Writes the dump of {@code vmcore} to {@code output} (a file that does not exist yet) and
     * returns the number of bytes written. {@code flags} are the {@code jkdump collect} flags
     * from jkdump.conf.
     */
    long collect(Path vmcore, Path output, List<String> flags, PrintStream console) throws IOException;

    /**
     * Writes the dump of {@code vmcore} to a stream that cannot seek (an ssh channel), in a
     * layout made for that (makedumpfile's flattened format), and returns the bytes written.
     * Does not close {@code out}.
     */
    long stream(Path vmcore, OutputStream out, List<String> flags, PrintStream console) throws IOException;

    /** The name a streamed dump gets once complete: kdump-utils' "vmcore.flat" for the flattened format. */
    String streamedName();

    /** One word for the status line: "raw-elf", "jkdump-collect". */
    String name();
}
