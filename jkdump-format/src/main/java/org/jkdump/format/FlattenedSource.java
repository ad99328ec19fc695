package org.jkdump.format;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The file a makedumpfile flattened stream ({@code -F}) stands for, readable at random. The
 * stream is a 4096-byte header ({@code struct makedumpfile_header}: "makedumpfile" signature,
 * big-endian type 1 and version), then records of a big-endian {@code struct
 * makedumpfile_data_header} (offset, size) followed by {@code size} bytes meant for that
 * offset, and an end record of (-1, -1) (makedumpfile.h). Records are indexed in one pass;
 * a later record overrides an earlier one where they overlap, as writing them in order with
 * {@code makedumpfile -R} would; bytes no record wrote read as zero (a sparse file).
 */
public final class FlattenedSource implements DumpSource {
    /** The signature field: "makedumpfile" padded with NULs to 16 bytes. */
    public static final String SIGNATURE = "makedumpfile";
    /** MAX_SIZE_MDF_HEADER: the header block before the first record. */
    public static final int HEADER_SIZE = 4096;
    /** TYPE_FLAT_HEADER. */
    public static final long TYPE_FLAT = 1;
    /** VERSION_FLAT_HEADER. */
    public static final long VERSION_FLAT = 1;
    /** sizeof(struct makedumpfile_data_header): big-endian offset and size. */
    public static final int RECORD_HEADER = 16;
    // struct makedumpfile_header
    private static final int SIG = 0, SIG_LEN = 16, TYPE = 16, VERSION = 24;

    private final DumpSource stream;
    // Pieces of the logical file, sorted and disjoint: [start, end) comes from stream offset data.
    private final long[] start, end, data;
    private final long size;
    private final int records;

    private FlattenedSource(DumpSource stream, long[] start, long[] end, long[] data, long size, int records) {
        this.stream = stream;
        this.start = start;
        this.end = end;
        this.data = data;
        this.size = size;
        this.records = records;
    }

    /** Whether {@code in} starts with the flattened-format header. */
    public static boolean isFlattened(DumpSource in) {
        if (in.size() < SIG_LEN) return false;
        var b = in.bytes(SIG, SIG_LEN);
        var expected = new byte[SIG_LEN];
        System.arraycopy(SIGNATURE.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, expected, 0, SIGNATURE.length());
        return Arrays.equals(b, expected);
    }

    /** Indexes the records of {@code stream}; the returned source owns it. */
    public static FlattenedSource open(DumpSource stream) {
        var in = stream;
        if (in.size() < HEADER_SIZE)
            throw in.malformed(0, "flattened stream of %d bytes ends inside its %d-byte header", in.size(), HEADER_SIZE);
        if (!isFlattened(in)) throw in.malformed(SIG, "expected the flattened-format signature \"makedumpfile\"");
        long type = in.u64be(TYPE);
        if (type != TYPE_FLAT) throw in.malformed(TYPE, "flattened header type %d is not TYPE_FLAT_HEADER (1)", type);
        long version = in.u64be(VERSION);
        if (version < 1 || version > 1000)
            throw in.malformed(VERSION, "flattened header version %d is not one makedumpfile writes (1)", version);

        // logical start -> {end, stream offset of the byte at start}
        var pieces = new TreeMap<Long, long[]>();
        long pos = HEADER_SIZE;
        int count = 0;
        while (true) {
            if (in.size() - pos < RECORD_HEADER)
                throw in.malformed(pos, "flattened stream ends without its end record (offset -1, size -1): it is truncated");
            long offset = in.u64be(pos), len = in.u64be(pos + 8);
            if (offset == -1 && len == -1) break;
            if (offset < 0 || len <= 0)
                throw in.malformed(pos, "flattened record with offset %d and size %d (neither the end record nor data)", offset, len);
            if (len > in.size() - pos - RECORD_HEADER)
                throw in.malformed(pos, "flattened record of %d bytes for offset 0x%x runs past the end of the stream (%d bytes)",
                        len, offset, in.size());
            if (offset > Long.MAX_VALUE - len)
                throw in.malformed(pos, "flattened record for offset 0x%x and %d bytes overflows", offset, len);
            place(pieces, offset, offset + len, pos + RECORD_HEADER);
            count++;
            pos += RECORD_HEADER + len;
        }
        int n = pieces.size();
        long[] s = new long[n], e = new long[n], d = new long[n];
        int i = 0;
        long size = 0;
        for (Map.Entry<Long, long[]> p : pieces.entrySet()) {
            s[i] = p.getKey();
            e[i] = p.getValue()[0];
            d[i] = p.getValue()[1];
            size = Math.max(size, e[i]);
            i++;
        }
        return new FlattenedSource(stream, s, e, d, size, count);
    }

    /** Puts [from, to) at stream offset {@code at}, cutting away what earlier records had there. */
    private static void place(TreeMap<Long, long[]> pieces, long from, long to, long at) {
        var before = pieces.lowerEntry(from);
        if (before != null && before.getValue()[0] > from) {
            long[] v = before.getValue();
            if (v[0] > to) pieces.put(to, new long[]{v[0], v[1] + (to - before.getKey())});
            v[0] = from;
        }
        for (var it = pieces.subMap(from, true, to, false).entrySet().iterator(); it.hasNext(); ) {
            var p = it.next();
            long[] v = p.getValue();
            if (v[0] > to) {
                it.remove();
                pieces.put(to, new long[]{v[0], v[1] + (to - p.getKey())});
                break;
            }
            it.remove();
        }
        pieces.put(from, new long[]{to, at});
    }

    /** Number of data records in the stream. */
    public int records() {
        return records;
    }

    /** Size of the stream itself (the logical file may be larger or smaller). */
    public long streamSize() {
        return stream.size();
    }

    @Override
    public String name() {
        return stream.name();
    }

    /** One past the highest offset any record wrote. */
    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long offset, byte[] dst, int dstOff, int len) {
        checkRange(offset, len, "read");
        int i = Arrays.binarySearch(start, offset);
        if (i < 0) i = -i - 2;
        while (len > 0) {
            int n;
            if (i >= 0 && offset >= start[i] && offset < end[i]) {
                n = (int) Math.min(len, end[i] - offset);
                stream.read(data[i] + (offset - start[i]), dst, dstOff, n);
            } else if (i + 1 < start.length && offset >= start[i + 1]) {
                i++;
                continue;
            } else {
                long next = i + 1 < start.length ? start[i + 1] : Long.MAX_VALUE;
                n = (int) Math.min(len, next - offset);
                Arrays.fill(dst, dstOff, dstOff + n, (byte) 0);
            }
            offset += n;
            dstOff += n;
            len -= n;
        }
    }

    /** Bitmaps are copied; a legitimate one was written, so it cannot be larger than the stream. */
    @Override
    public MemorySegment segment(long offset, long len, String what) {
        checkRange(offset, len, what);
        if (len > stream.size())
            throw malformed(offset, "%s of %d bytes is larger than the whole flattened stream (%d bytes)", what, len, stream.size());
        return DumpSource.super.segment(offset, len, what);
    }

    @Override
    public void close() {
        stream.close();
    }
}
