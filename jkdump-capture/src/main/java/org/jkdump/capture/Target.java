package org.jkdump.capture;

import java.nio.file.Path;

/**
 * Where the capture puts a dump. Only local targets exist so far: a directory on a file
 * system the capture kernel can mount. (An ssh target, streaming the flattened format with
 * Apache MINA SSHD, is designed in DESIGN.md but not written yet; jkdump.conf refuses the
 * {@code ssh} directive until it is.)
 */
public sealed interface Target permits LocalTarget {
    /** The directory, relative to the target's file system, under which dump directories are made. */
    Path path();

    /** A short description for messages and {@code jkdump status}. */
    String describe();
}
