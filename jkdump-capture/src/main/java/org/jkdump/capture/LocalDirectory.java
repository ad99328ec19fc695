package org.jkdump.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/** A dump directory on a file system the capture kernel has mounted. */
public record LocalDirectory(Path path) implements DumpDirectory {
    @Override
    public String location() {
        return path.toString();
    }

    @Override
    public void create() throws IOException {
        Files.createDirectories(path);
    }

    @Override
    public Optional<Path> localPath() {
        return Optional.of(path);
    }

    @Override
    public OutputStream create(String name) throws IOException {
        return Files.newOutputStream(path.resolve(name), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    @Override
    public void rename(String from, String to) throws IOException {
        Files.move(path.resolve(from), path.resolve(to), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() {
    }
}
