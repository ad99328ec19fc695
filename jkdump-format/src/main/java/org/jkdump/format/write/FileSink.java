package org.jkdump.format.write;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jkdump.format.JkdumpException;

/**
 * A dump file written with positional writes. Bytes never written (descriptors of pages an
 * incomplete dump never got) stay holes that read as zero.
 */
public final class FileSink implements DumpSink {
    private final Path path;
    private final FileChannel channel;

    private FileSink(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Creates (or truncates) {@code path}. */
    public static FileSink create(Path path) {
        try {
            return new FileSink(path, FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new JkdumpException(path + ": cannot create: " + reason(e), e);
        }
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public void write(long offset, byte[] b, int off, int len) {
        var buf = ByteBuffer.wrap(b, off, len);
        try {
            while (buf.hasRemaining()) offset += channel.write(buf, offset);
        } catch (IOException e) {
            throw new JkdumpException(path + ": cannot write " + len + " bytes at offset 0x" + Long.toHexString(offset) + ": "
                    + reason(e), e);
        }
    }

    /** Direct buffers go to pwrite(2) as they are; a heap buffer would be copied into one first. */
    @Override
    public void write(long offset, ByteBuffer src) {
        int len = src.remaining();
        try {
            while (src.hasRemaining()) offset += channel.write(src, offset);
        } catch (IOException e) {
            throw new JkdumpException(path + ": cannot write " + len + " bytes at offset 0x" + Long.toHexString(offset) + ": "
                    + reason(e), e);
        }
    }

    @Override
    public boolean prefersDirectBuffers() {
        return true;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new JkdumpException(path + ": cannot close: " + reason(e), e);
        }
    }

    /**
     * What went wrong, in words: for a file-system error the JDK's message is often the path
     * alone ("/proc/x: cannot create: /proc/x"), so its reason is given instead.
     */
    public static String reason(IOException e) {
        return switch (e) {
            case java.nio.file.NoSuchFileException n -> "no such file or directory";
            case java.nio.file.AccessDeniedException a -> "permission denied";
            case java.nio.file.FileSystemException f when f.getReason() != null -> f.getReason();
            default -> e.getMessage();
        };
    }
}
