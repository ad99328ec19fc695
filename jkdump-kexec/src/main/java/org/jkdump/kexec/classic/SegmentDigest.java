package org.jkdump.kexec.classic;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.jkdump.format.JkdumpException;

/**
 * The SHA-256 the purgatory checks before booting the capture kernel: every segment but the
 * purgatory's own, in the given (address) order, as one message — each segment's
 * {@code bufsz} content followed by {@code memsz - bufsz} zeros, because kexec_load copies the
 * content and zero-fills the rest of memsz (kimage_load_crash_segment), so that is what the
 * purgatory reads at {@code mem}. kexec-tools hashes the same bytes (update_purgatory).
 *
 * @param regions the (mem, memsz) table the purgatory walks
 */
public record SegmentDigest(List<Purgatory.HashedRegion> regions, byte[] digest) {
    private static final int CHUNK = 1 << 20;

    public SegmentDigest {
        regions = List.copyOf(regions);
        digest = digest.clone();
    }

    /** Hashes {@code segments} except those named {@code excluded} (the purgatory). */
    public static SegmentDigest of(List<Segment> segments, String excluded) {
        var sha = sha256();
        var regions = new ArrayList<Purgatory.HashedRegion>();
        for (var s : segments) {
            if (s.name().equals(excluded)) continue;
            if (s.bufsz() > s.memsz())
                throw new JkdumpException(String.format("segment %s: bufsz 0x%x exceeds memsz 0x%x", s.name(), s.bufsz(), s.memsz()));
            switch (s.content()) {
                case Segment.Bytes b -> sha.update(b.bytes());
                case Segment.FileSlice f -> hashFile(sha, f);
            }
            zeros(sha, s.memsz() - s.bufsz());
            regions.add(new Purgatory.HashedRegion(s.mem(), s.memsz()));
        }
        return new SegmentDigest(regions, sha.digest());
    }

    /**
     * The digest of the buffers about to be handed to kexec_load ({@code buffers[i]} holds
     * segment i's bufsz bytes), the same way: so a file that changed since planning is
     * caught before loading, not by a capture kernel that never boots.
     */
    static byte[] ofBuffers(List<Segment> segments, List<java.nio.ByteBuffer> buffers, String excluded) {
        var sha = sha256();
        for (int i = 0; i < segments.size(); i++) {
            var s = segments.get(i);
            if (s.name().equals(excluded)) continue;
            sha.update(buffers.get(i).duplicate());
            zeros(sha, s.memsz() - s.bufsz());
        }
        return sha.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static void zeros(MessageDigest sha, long n) {
        byte[] zeros = new byte[(int) Math.min(CHUNK, n)];
        for (long left = n; left > 0; left -= zeros.length) sha.update(zeros, 0, (int) Math.min(zeros.length, left));
    }

    private static void hashFile(MessageDigest sha, Segment.FileSlice f) {
        try (var ch = FileChannel.open(f.file())) {
            var buf = ByteBuffer.allocate(CHUNK);
            long pos = f.offset(), end = f.offset() + f.size();
            while (pos < end) {
                buf.clear().limit((int) Math.min(CHUNK, end - pos));
                int n = ch.read(buf, pos);
                if (n < 0) throw new JkdumpException(String.format("%s: ends at offset 0x%x, segment needs 0x%x bytes", f.file(), pos, end));
                sha.update(buf.flip());
                pos += n;
            }
        } catch (IOException e) {
            throw new JkdumpException(f.file() + ": cannot read: " + e.getMessage(), e);
        }
    }
}
