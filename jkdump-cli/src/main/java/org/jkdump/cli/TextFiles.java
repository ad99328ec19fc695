package org.jkdump.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.jkdump.format.JkdumpException;

/** Text a command writes to a file the user named (a log, a report). */
final class TextFiles {
    private TextFiles() {
    }

    /** Writes FILE.incomplete, then renames it, so a failure never leaves a file that looks complete. */
    static void write(Path file, String text) {
        var partial = file.resolveSibling(file.getFileName() + ".incomplete");
        try {
            Files.writeString(partial, text, StandardCharsets.UTF_8);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new JkdumpException(file + ": cannot write: " + org.jkdump.format.write.FileSink.reason(e), e);
        }
    }
}
