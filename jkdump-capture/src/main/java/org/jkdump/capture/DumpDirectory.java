package org.jkdump.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The one directory a capture writes into ({@code <path>/<host>-<date>}), wherever it is: a
 * local directory, or one on an ssh server. Every file is written under an incomplete name
 * first and renamed once whole, so that a capture cut short never leaves a file that looks
 * complete.
 */
public sealed interface DumpDirectory extends AutoCloseable permits LocalDirectory, SshDirectory {
    /** Opens the directory {@code name} under a target's path (not created yet). */
    @FunctionalInterface
    interface Opener {
        DumpDirectory open(String name) throws IOException;
    }

    /** The directory's path (on the far side for ssh). */
    Path path();

    /** Where it is, for the status line: the path, or user@host:path. */
    String location();

    /** Creates the directory and its parents. */
    void create() throws IOException;

    /** The directory as a local path, when a collector can write a seekable file into it. */
    Optional<Path> localPath();

    /** A new file {@code name}, written front to back; closing it fails when the far side did not take every byte. */
    OutputStream create(String name) throws IOException;

    /** Renames {@code from} to {@code to}, replacing {@code to}. */
    void rename(String from, String to) throws IOException;

    @Override
    void close() throws IOException;
}
