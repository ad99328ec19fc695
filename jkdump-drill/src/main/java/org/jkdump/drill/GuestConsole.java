package org.jkdump.drill;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The guest's serial console as QEMU writes it to a file: read incrementally as it grows,
 * split into lines (carriage returns dropped), with the last lines kept for error messages.
 */
final class GuestConsole {
    private final Path file;
    private final List<String> lines = new ArrayList<>();
    private long offset;
    private final StringBuilder partial = new StringBuilder();

    GuestConsole(Path file) {
        this.file = file;
    }

    /** Reads what was appended since the last call; returns the new complete lines. */
    List<String> poll() {
        var fresh = new ArrayList<String>();
        try (var f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            if (len <= offset) return fresh;
            var buf = new byte[(int) Math.min(len - offset, 1 << 20)];
            f.seek(offset);
            f.readFully(buf);
            offset += buf.length;
            partial.append(new String(buf, StandardCharsets.ISO_8859_1));
            int nl;
            while ((nl = partial.indexOf("\n")) >= 0) {
                String line = partial.substring(0, nl).replace("\r", "");
                partial.delete(0, nl + 1);
                fresh.add(line);
            }
        } catch (IOException e) {
            // QEMU has not created the file yet
        }
        lines.addAll(fresh);
        return fresh;
    }

    List<String> all() {
        return List.copyOf(lines);
    }

    List<String> tail(int n) {
        return List.copyOf(lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    Optional<String> find(String prefix) {
        return lines.stream().filter(l -> l.contains(prefix)).findFirst();
    }
}
