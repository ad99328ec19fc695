package org.jkdump.capture;

import java.io.IOException;
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

    /** One word for the status line: "raw-elf", "jkdump-collect". */
    String name();
}
