package org.jkdump.kexec;

import io.airlift.compress.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.jkdump.format.JkdumpException;

/** An initramfs file: its compression and how many bytes it unpacks to, for the sizing check. */
public final class Initrd {
    private Initrd() {
    }

    /**
     * The size of the uncompressed cpio stream (an upper bound of the files it holds):
     * gzip and zstd are decompressed and counted, an uncompressed cpio counts as its size,
     * anything else gives -1 (unknown).
     */
    public static long unpackedSize(Path file) {
        try (var raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(8);
            byte[] m = raw.readNBytes(6);
            raw.reset();
            if (m.length >= 2 && (m[0] & 0xff) == 0x1f && (m[1] & 0xff) == 0x8b) return count(new GZIPInputStream(raw, 1 << 16));
            if (m.length >= 4 && (m[0] & 0xff) == 0x28 && (m[1] & 0xff) == 0xb5 && (m[2] & 0xff) == 0x2f && (m[3] & 0xff) == 0xfd)
                return count(new ZstdInputStream(raw));
            if (m.length == 6 && new String(m, java.nio.charset.StandardCharsets.US_ASCII).equals("070701")) return Files.size(file);
            return -1;
        } catch (IOException e) {
            throw new JkdumpException(file + ": cannot read the initramfs: " + e.getMessage(), e);
        }
    }

    private static long count(InputStream in) throws IOException {
        long n = 0;
        var buf = new byte[1 << 16];
        for (int r; (r = in.read(buf)) > 0; ) n += r;
        return n;
    }
}
