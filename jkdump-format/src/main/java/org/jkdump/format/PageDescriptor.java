package org.jkdump.format;

/**
 * {@code struct page_desc} (makedumpfile's diskdump_mod.h): where a dumped page's bytes are in a
 * kdump-compressed file, how many there are and how they are encoded. Descriptors follow the
 * bitmaps, one per dumpable frame in frame order; every zero page may share one descriptor.
 *
 * @param offset    file offset of the page data ({@code off_t}); 0 means never written (an
 *                  incomplete dump)
 * @param size      bytes stored at {@code offset}
 * @param flags     {@code DUMP_DH_COMPRESSED_*} bit of the codec, 0 for a raw page
 * @param pageFlags the frame's {@code struct page} flags when the writer recorded them (usually 0)
 */
public record PageDescriptor(long offset, int size, int flags, long pageFlags) {
    /** Bytes per descriptor on disk. */
    public static final int SIZE = 24;
    // struct page_desc
    private static final int OFFSET = 0, SIZE_FIELD = 8, FLAGS = 12, PAGE_FLAGS = 16;

    static PageDescriptor read(DumpSource in, long at) {
        return new PageDescriptor(in.u64(at + OFFSET), in.i32(at + SIZE_FIELD), in.i32(at + FLAGS), in.u64(at + PAGE_FLAGS));
    }

    /** Encodes into {@code dst[at .. at+24)}, little-endian. */
    public void encode(byte[] dst, int at) {
        Bytes.putLong(dst, at + OFFSET, offset);
        Bytes.putInt(dst, at + SIZE_FIELD, size);
        Bytes.putInt(dst, at + FLAGS, flags);
        Bytes.putLong(dst, at + PAGE_FLAGS, pageFlags);
    }
}
