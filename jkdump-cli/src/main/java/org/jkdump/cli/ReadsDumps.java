package org.jkdump.cli;

import java.nio.file.Path;
import java.util.List;

/**
 * A command that reads dump files (and may write others). Its failures must say which file
 * they are about: the kernel layer reports what it read at an address (kallsyms, BTF, a
 * list) without knowing the file, so a message that names none of the command's files gets
 * the first dump's name in front ({@link #named}).
 */
interface ReadsDumps {
    /** The files the command was given, dumps first. */
    List<Path> files();

    /** {@code message}, or the first dump's name and the message when it names none of {@link #files}. */
    default String named(String message) {
        var files = files();
        if (files == null || files.isEmpty()) return message;
        for (var f : files)
            if (f != null && message.contains(f.toString())) return message;
        return files.getFirst() + ": " + message;
    }
}
