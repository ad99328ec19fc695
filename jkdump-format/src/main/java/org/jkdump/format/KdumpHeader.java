package org.jkdump.format;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code struct disk_dump_header} (makedumpfile's diskdump_mod.h): block 0 of a kdump-compressed
 * ("KDUMP   ") or diskdump ("DISKDUMP") file. It gives the block size (the page size), how many
 * blocks the sub-header and the bitmaps take, and the status bits (codec, INCOMPLETE). Layout
 * as on x86-64: {@code struct timeval} is 16 bytes and aligned to 8.
 *
 * @param signature      {@link #KDUMP} or {@link #DISKDUMP}
 * @param maxMapnr32     the 32-bit {@code max_mapnr}; header version 6 keeps the full value in the sub-header
 * @param subHeaderBlocks {@code sub_hdr_size}, in blocks
 */
public record KdumpHeader(String signature, int headerVersion, Utsname utsname, long timestampSeconds,
                          long timestampMicros, int status, int blockSize, int subHeaderBlocks, int bitmapBlocks,
                          long maxMapnr32, int totalRamBlocks, int deviceBlocks, int writtenBlocks, int currentCpu,
                          int nrCpus) {
    public static final String KDUMP = "KDUMP   ";
    public static final String DISKDUMP = "DISKDUMP";
    /** sizeof(struct disk_dump_header) on x86-64. */
    public static final int SIZE = 464;
    /** The newest header version makedumpfile writes (start_pfn_64, end_pfn_64, max_mapnr_64). */
    public static final int LATEST_VERSION = 6;

    // struct disk_dump_header, makedumpfile diskdump_mod.h (x86-64 offsets)
    static final int SIGNATURE = 0, HEADER_VERSION = 8, UTSNAME = 12, TIMESTAMP = 408, STATUS = 424,
            BLOCK_SIZE = 428, SUB_HDR_SIZE = 432, BITMAP_BLOCKS = 436, MAX_MAPNR = 440, TOTAL_RAM_BLOCKS = 444,
            DEVICE_BLOCKS = 448, WRITTEN_BLOCKS = 452, CURRENT_CPU = 456, NR_CPUS = 460;

    // status bits of a KDUMP header (DUMP_DH_*, diskdump_mod.h)
    public static final int DUMP_DH_COMPRESSED_ZLIB = 0x1, DUMP_DH_COMPRESSED_LZO = 0x2,
            DUMP_DH_COMPRESSED_SNAPPY = 0x4, DUMP_DH_COMPRESSED_INCOMPLETE = 0x8, DUMP_DH_EXCLUDED_VMEMMAP = 0x10,
            DUMP_DH_COMPRESSED_ZSTD = 0x20;
    // status values of the old diskdump facility (DUMP_HEADER_*, diskdump_mod.h)
    public static final int DUMP_HEADER_INCOMPLETED = 0x1, DUMP_HEADER_COMPRESSED = 0x8;

    /** Largest block (page) size accepted: 1 MiB, far above any architecture's page. */
    static final int MAX_BLOCK_SIZE = 1 << 20;

    /** Reads and checks block 0 of {@code in}. */
    public static KdumpHeader read(DumpSource in) {
        if (in.size() < SIZE)
            throw in.malformed(0, "file of %d bytes ends inside the %d-byte disk_dump_header", in.size(), SIZE);
        var raw = new String(in.bytes(SIGNATURE, 8), java.nio.charset.StandardCharsets.ISO_8859_1);
        if (!raw.equals(KDUMP) && !raw.equals(DISKDUMP))
            throw in.malformed(SIGNATURE, "expected signature \"KDUMP   \" or \"DISKDUMP\", found \"%s\"",
                    raw.replaceAll("[^\\x20-\\x7e]", "?"));
        int version = in.i32(HEADER_VERSION);
        if (version < 0 || version > 1000)
            throw in.malformed(HEADER_VERSION, "header_version %d is not a version makedumpfile writes (1 to %d)", version, LATEST_VERSION);
        int blockSize = in.i32(BLOCK_SIZE);
        if (blockSize < 512 || blockSize > MAX_BLOCK_SIZE || Integer.bitCount(blockSize) != 1)
            throw in.malformed(BLOCK_SIZE, "block_size %d is not a power of two between 512 and %d", blockSize, MAX_BLOCK_SIZE);
        int subBlocks = in.i32(SUB_HDR_SIZE);
        if (subBlocks < 0)
            throw in.malformed(SUB_HDR_SIZE, "sub_hdr_size %d is negative", subBlocks);
        if (raw.equals(KDUMP) && subBlocks == 0)
            throw in.malformed(SUB_HDR_SIZE, "sub_hdr_size is 0: a KDUMP file needs a kdump_sub_header block");
        int bitmapBlocks = in.i32(BITMAP_BLOCKS);
        if (bitmapBlocks == 0)
            throw in.malformed(BITMAP_BLOCKS, "bitmap_blocks is 0: the dump has no memory bitmap");
        long headerBytes = (1L + subBlocks + Integer.toUnsignedLong(bitmapBlocks)) * blockSize;
        if (headerBytes > in.size())
            throw in.malformed(SUB_HDR_SIZE, "header, sub-header (%d blocks) and bitmaps (%d blocks) of %d bytes each need %d bytes, the file has %d",
                    subBlocks, Integer.toUnsignedLong(bitmapBlocks), blockSize, headerBytes, in.size());
        return new KdumpHeader(raw, version, Utsname.read(in, UTSNAME),
                in.u64(TIMESTAMP), in.u64(TIMESTAMP + 8), in.i32(STATUS), blockSize, subBlocks, bitmapBlocks,
                in.u32(MAX_MAPNR), in.i32(TOTAL_RAM_BLOCKS), in.i32(DEVICE_BLOCKS), in.i32(WRITTEN_BLOCKS),
                in.i32(CURRENT_CPU), in.i32(NR_CPUS));
    }

    public boolean isKdump() {
        return signature.equals(KDUMP);
    }

    /** Whether the status says the dump was cut short (ENOSPC, I/O error, interrupted). */
    public boolean incomplete() {
        return isKdump() ? (status & DUMP_DH_COMPRESSED_INCOMPLETE) != 0 : (status & DUMP_HEADER_INCOMPLETED) != 0;
    }

    /** Byte offset of the bitmaps: after block 0 and the sub-header. */
    public long bitmapOffset() {
        return (1L + subHeaderBlocks) * blockSize;
    }

    public long bitmapBytes() {
        return Integer.toUnsignedLong(bitmapBlocks) * blockSize;
    }

    /** Byte offset of the first page descriptor: after the bitmaps. */
    public long descriptorOffset() {
        return bitmapOffset() + bitmapBytes();
    }

    /** Names of the status bits that are set, unknown bits in hex. */
    public List<String> statusNames() {
        var names = new ArrayList<String>();
        int rest = status;
        if (isKdump()) {
            String[] known = {"COMPRESSED_ZLIB", "COMPRESSED_LZO", "COMPRESSED_SNAPPY", "INCOMPLETE", "EXCLUDED_VMEMMAP", "COMPRESSED_ZSTD"};
            for (int i = 0; i < known.length; i++)
                if ((status & 1 << i) != 0) {
                    names.add(known[i]);
                    rest &= ~(1 << i);
                }
        } else {
            if ((status & DUMP_HEADER_INCOMPLETED) != 0) names.add("INCOMPLETE");
            if ((status & DUMP_HEADER_COMPRESSED) != 0) names.add("COMPRESSED");
            rest &= ~(DUMP_HEADER_INCOMPLETED | DUMP_HEADER_COMPRESSED);
        }
        if (rest != 0) names.add(String.format("0x%x", rest));
        return names;
    }

    /** The codec the status announces (pages that do not shrink are stored raw all the same). */
    public PageCodec announcedCodec() {
        if (!isKdump()) return (status & DUMP_HEADER_COMPRESSED) != 0 ? PageCodec.ZLIB : PageCodec.NONE;
        for (var c : PageCodec.values())
            if (c != PageCodec.NONE && (status & c.flag()) != 0) return c;
        return PageCodec.NONE;
    }

    /** The {@value #SIZE}-byte on-disk form, little-endian. */
    public byte[] encode() {
        var b = new byte[SIZE];
        Bytes.putAscii(b, SIGNATURE, signature);
        Bytes.putInt(b, HEADER_VERSION, headerVersion);
        System.arraycopy(utsname.encode(), 0, b, UTSNAME, Utsname.SIZE);
        Bytes.putLong(b, TIMESTAMP, timestampSeconds);
        Bytes.putLong(b, TIMESTAMP + 8, timestampMicros);
        Bytes.putInt(b, STATUS, status);
        Bytes.putInt(b, BLOCK_SIZE, blockSize);
        Bytes.putInt(b, SUB_HDR_SIZE, subHeaderBlocks);
        Bytes.putInt(b, BITMAP_BLOCKS, bitmapBlocks);
        Bytes.putInt(b, MAX_MAPNR, (int) maxMapnr32);
        Bytes.putInt(b, TOTAL_RAM_BLOCKS, totalRamBlocks);
        Bytes.putInt(b, DEVICE_BLOCKS, deviceBlocks);
        Bytes.putInt(b, WRITTEN_BLOCKS, writtenBlocks);
        Bytes.putInt(b, CURRENT_CPU, currentCpu);
        Bytes.putInt(b, NR_CPUS, nrCpus);
        return b;
    }

    /** A copy with another status word. */
    public KdumpHeader withStatus(int newStatus) {
        return new KdumpHeader(signature, headerVersion, utsname, timestampSeconds, timestampMicros, newStatus, blockSize,
                subHeaderBlocks, bitmapBlocks, maxMapnr32, totalRamBlocks, deviceBlocks, writtenBlocks, currentCpu, nrCpus);
    }
}
