package org.jkdump.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.LongStream;
import java.util.stream.StreamSupport;

/**
 * One bit per page frame, laid out as makedumpfile stores its bitmaps: bit {@code pfn & 7} of
 * byte {@code pfn >> 3}, so a little-endian 64-bit word holds frames {@code 64k .. 64k+63}.
 * Either a read-only view of a dump's bitmap (mapped, no copy) or a heap bitmap a writer's
 * caller fills ("keep this frame").
 */
public final class PfnBitmap {
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment bits;
    private final long size;
    private final boolean writable;

    private PfnBitmap(MemorySegment bits, long size, boolean writable) {
        this.bits = bits;
        this.size = size;
        this.writable = writable;
    }

    /** A cleared, writable bitmap for frames {@code [0, size)}. */
    public static PfnBitmap allocate(long size) {
        if (size < 0 || (size + 63) / 64 > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("bitmap of " + size + " frames is out of range");
        return new PfnBitmap(MemorySegment.ofArray(new long[(int) ((size + 63) / 64)]), size, true);
    }

    /** A read-only view of {@code bits} holding frames {@code [0, size)}. */
    public static PfnBitmap view(MemorySegment bits, long size) {
        if (size < 0 || bits.byteSize() < (size + 7) / 8)
            throw new IllegalArgumentException(bits.byteSize() + " bytes cannot hold " + size + " bits");
        return new PfnBitmap(bits, size, false);
    }

    /** Number of frames the bitmap describes. */
    public long size() {
        return size;
    }

    /** Bytes the on-disk form takes: {@code ceil(size / 8)}. */
    public long byteSize() {
        return (size + 7) / 8;
    }

    public boolean get(long pfn) {
        if (pfn < 0 || pfn >= size) return false;
        return (bits.get(ValueLayout.JAVA_BYTE, pfn >>> 3) >> (pfn & 7) & 1) != 0;
    }

    public void set(long pfn) {
        setBit(pfn, true);
    }

    public void clear(long pfn) {
        setBit(pfn, false);
    }

    /** Sets every frame of {@code [from, to)}. */
    public void set(long from, long to) {
        checkWritable();
        if (from < 0 || to > size || from > to) throw new IndexOutOfBoundsException("[" + from + ", " + to + ") of " + size);
        while (from < to && (from & 63) != 0) set(from++);
        while (to - from >= 64) {
            bits.set(WORD, (from >>> 6) * 8, -1L);
            from += 64;
        }
        while (from < to) set(from++);
    }

    /** Clears every frame of {@code [from, to)}. */
    public void clear(long from, long to) {
        checkWritable();
        if (from < 0 || to > size || from > to) throw new IndexOutOfBoundsException("[" + from + ", " + to + ") of " + size);
        while (from < to && (from & 63) != 0) clear(from++);
        while (to - from >= 64) {
            bits.set(WORD, (from >>> 6) * 8, 0L);
            from += 64;
        }
        while (from < to) clear(from++);
    }

    private void setBit(long pfn, boolean on) {
        checkWritable();
        if (pfn < 0 || pfn >= size) throw new IndexOutOfBoundsException("pfn " + pfn + " of " + size);
        long at = pfn >>> 3;
        byte b = bits.get(ValueLayout.JAVA_BYTE, at);
        int mask = 1 << (pfn & 7);
        bits.set(ValueLayout.JAVA_BYTE, at, (byte) (on ? b | mask : b & ~mask));
    }

    private void checkWritable() {
        if (!writable) throw new UnsupportedOperationException("a dump's bitmap is read-only");
    }

    /** The 64 frames {@code 64*index ..} as a word; bits past {@link #size()} read as 0. */
    long word(long index) {
        long byteOff = index * 8;
        long w;
        if (byteOff + 8 <= bits.byteSize()) {
            w = bits.get(WORD, byteOff);
        } else {
            w = 0;
            for (long i = byteOff; i < bits.byteSize(); i++)
                w |= (bits.get(ValueLayout.JAVA_BYTE, i) & 0xffL) << (8 * (i - byteOff));
        }
        long first = index * 64;
        if (first + 64 > size) w &= size <= first ? 0 : (1L << (size - first)) - 1;
        return w;
    }

    /** The first set frame at or after {@code from}, or -1. */
    public long nextSetBit(long from) {
        if (from < 0) from = 0;
        if (from >= size) return -1;
        long wi = from >>> 6;
        long w = word(wi) & (-1L << (from & 63));
        long words = (size + 63) >>> 6;
        while (true) {
            if (w != 0) return wi * 64 + Long.numberOfTrailingZeros(w);
            if (++wi >= words) return -1;
            w = word(wi);
        }
    }

    /** The first clear frame at or after {@code from}, or {@link #size()}. */
    public long nextClearBit(long from) {
        if (from < 0) from = 0;
        if (from >= size) return size;
        long wi = from >>> 6;
        long w = ~word(wi) & (-1L << (from & 63));
        long words = (size + 63) >>> 6;
        while (true) {
            if (w != 0) return Math.min(size, wi * 64 + Long.numberOfTrailingZeros(w));
            if (++wi >= words) return size;
            w = ~word(wi);
        }
    }

    /** Set frames in {@code [from, to)}. */
    public long count(long from, long to) {
        from = Math.max(0, from);
        to = Math.min(size, to);
        if (from >= to) return 0;
        long fw = from >>> 6, lw = (to - 1) >>> 6;
        if (fw == lw) return Long.bitCount(word(fw) & (-1L << (from & 63)) & (-1L >>> (63 - ((to - 1) & 63))));
        long n = Long.bitCount(word(fw) & (-1L << (from & 63)));
        for (long i = fw + 1; i < lw; i++) n += Long.bitCount(word(i));
        return n + Long.bitCount(word(lw) & (-1L >>> (63 - ((to - 1) & 63))));
    }

    /** Frames of {@code [from, to)} set in both this bitmap and {@code other}. */
    public long countAnd(PfnBitmap other, long from, long to) {
        from = Math.max(0, from);
        to = Math.min(Math.min(size, other.size), to);
        if (from >= to) return 0;
        long n = 0;
        for (long wi = from >>> 6; wi <= (to - 1) >>> 6; wi++) {
            long w = word(wi) & other.word(wi);
            if (wi == from >>> 6) w &= -1L << (from & 63);
            if (wi == (to - 1) >>> 6) w &= -1L >>> (63 - ((to - 1) & 63));
            n += Long.bitCount(w);
        }
        return n;
    }

    public long cardinality() {
        return count(0, size);
    }

    /** Set frames of {@code [from, to)} in ascending order. */
    public LongStream stream(long from, long to) {
        long lo = Math.max(0, from), hi = Math.min(size, to);
        PrimitiveIterator.OfLong it = new PrimitiveIterator.OfLong() {
            long next = nextSetBit(lo);

            @Override
            public boolean hasNext() {
                return next >= 0 && next < hi;
            }

            @Override
            public long nextLong() {
                if (!hasNext()) throw new NoSuchElementException();
                long r = next;
                next = nextSetBit(r + 1);
                return r;
            }
        };
        int characteristics = Spliterator.ORDERED | Spliterator.SORTED | Spliterator.DISTINCT | Spliterator.NONNULL
                | Spliterator.IMMUTABLE;
        return StreamSupport.longStream(Spliterators.spliteratorUnknownSize(it, characteristics), false);
    }

    /** The on-disk bytes {@code [byteOffset, byteOffset+dst.length)} (zero past the end) into {@code dst}. */
    public void copyBytes(long byteOffset, byte[] dst, int len) {
        long avail = Math.max(0, Math.min(len, bits.byteSize() - byteOffset));
        MemorySegment.copy(bits, ValueLayout.JAVA_BYTE, byteOffset, dst, 0, (int) avail);
        java.util.Arrays.fill(dst, (int) avail, len, (byte) 0);
        // Bits past size() in the last byte must not leak into the file.
        long lastByte = (size - 1) >>> 3;
        if (size % 8 != 0 && lastByte >= byteOffset && lastByte < byteOffset + len)
            dst[(int) (lastByte - byteOffset)] &= (byte) ((1 << (size % 8)) - 1);
        for (long i = Math.max(byteOffset, byteSize()); i < byteOffset + avail; i++) dst[(int) (i - byteOffset)] = 0;
    }
}
