package org.jkdump.capture;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The first step of the capture: the crashed kernel's log as text (vmcore-dmesg.txt), cheap
 * and the most valuable file when the dump itself cannot be saved. {@link VmcoreDmesg} is the
 * implementation; the interface lets tests make the step fail.
 */
public interface DmesgWriter {
    /** The log of the kernel in {@code vmcore}, as the text of vmcore-dmesg.txt. */
    String read(Path vmcore) throws IOException;
}
