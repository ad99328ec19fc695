package org.jkdump.capture;

import java.nio.file.Path;

/**
 * Where the capture puts a dump: a directory on a file system the capture kernel mounts
 * ({@link LocalTarget}), or a directory on another machine reached over ssh ({@link SshTarget}).
 */
public sealed interface Target permits LocalTarget, SshTarget {
    /** The directory under which dump directories are made (on the target's file system or host). */
    Path path();

    /** A short description for messages and {@code jkdump status}. */
    String describe();
}
