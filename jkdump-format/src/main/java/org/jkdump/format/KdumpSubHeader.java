package org.jkdump.format;

/**
 * {@code struct kdump_sub_header} (makedumpfile's diskdump_mod.h): block 1 of a KDUMP file.
 * Each header version added fields: 1 {@code phys_base, dump_level}; 2 {@code split,
 * start_pfn, end_pfn}; 3 VMCOREINFO; 4 ELF notes; 5 eraseinfo; 6 the 64-bit {@code
 * start_pfn_64, end_pfn_64, max_mapnr_64}. Fields a file's version does not have read as 0.
 * The notes, VMCOREINFO and eraseinfo areas are checked to lie inside the file.
 */
public record KdumpSubHeader(long physBase, int dumpLevel, int split, long startPfn32, long endPfn32,
                             long offsetVmcoreinfo, long sizeVmcoreinfo, long offsetNote, long sizeNote,
                             long offsetEraseinfo, long sizeEraseinfo, long startPfn64, long endPfn64,
                             long maxMapnr64) {
    /** sizeof(struct kdump_sub_header) on x86-64. */
    public static final int SIZE = 104;
    /** No sub-header (a diskdump file, whose arch sub-header holds none of these). */
    public static final KdumpSubHeader NONE = new KdumpSubHeader(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    // struct kdump_sub_header, makedumpfile diskdump_mod.h (x86-64 offsets)
    static final int PHYS_BASE = 0, DUMP_LEVEL = 8, SPLIT = 12, START_PFN = 16, END_PFN = 24, OFFSET_VMCOREINFO = 32,
            SIZE_VMCOREINFO = 40, OFFSET_NOTE = 48, SIZE_NOTE = 56, OFFSET_ERASEINFO = 64, SIZE_ERASEINFO = 72,
            START_PFN_64 = 80, END_PFN_64 = 88, MAX_MAPNR_64 = 96;

    /** Larger note, VMCOREINFO or eraseinfo areas than this mean a corrupt sub-header. */
    static final long MAX_AREA = 64L << 20;

    /** Reads the sub-header at block 1 of {@code in}, taking only the fields {@code header}'s version has. */
    public static KdumpSubHeader read(DumpSource in, KdumpHeader header) {
        long at = header.blockSize();
        int v = header.headerVersion();
        in.checkRange(at, SIZE, "kdump_sub_header");
        var sub = new KdumpSubHeader(
                in.u64(at + PHYS_BASE),
                v >= 1 ? in.i32(at + DUMP_LEVEL) : 0,
                v >= 2 ? in.i32(at + SPLIT) : 0,
                v >= 2 ? in.u64(at + START_PFN) : 0,
                v >= 2 ? in.u64(at + END_PFN) : 0,
                v >= 3 ? in.u64(at + OFFSET_VMCOREINFO) : 0,
                v >= 3 ? in.u64(at + SIZE_VMCOREINFO) : 0,
                v >= 4 ? in.u64(at + OFFSET_NOTE) : 0,
                v >= 4 ? in.u64(at + SIZE_NOTE) : 0,
                v >= 5 ? in.u64(at + OFFSET_ERASEINFO) : 0,
                v >= 5 ? in.u64(at + SIZE_ERASEINFO) : 0,
                v >= 6 ? in.u64(at + START_PFN_64) : 0,
                v >= 6 ? in.u64(at + END_PFN_64) : 0,
                v >= 6 ? in.u64(at + MAX_MAPNR_64) : 0);
        checkArea(in, at + OFFSET_VMCOREINFO, sub.offsetVmcoreinfo, sub.sizeVmcoreinfo, "VMCOREINFO");
        checkArea(in, at + OFFSET_NOTE, sub.offsetNote, sub.sizeNote, "ELF note area");
        checkArea(in, at + OFFSET_ERASEINFO, sub.offsetEraseinfo, sub.sizeEraseinfo, "eraseinfo");
        return sub;
    }

    /** {@code field} is the offset field; the size field follows it. */
    private static void checkArea(DumpSource in, long field, long offset, long size, String what) {
        if (offset == 0 || size == 0) return;
        if (size < 0 || size > MAX_AREA)
            throw in.malformed(field + 8, "%s size %s is absurd (more than %d MiB)", what, Long.toUnsignedString(size), MAX_AREA >> 20);
        if (offset < 0 || offset > in.size() || size > in.size() - offset)
            throw in.malformed(field, "%s at offset 0x%x (%d bytes) extends past the end of the file (%d bytes)",
                    what, offset, size, in.size());
    }

    public boolean isSplit() {
        return split != 0;
    }

    /** First frame of a split file: the 64-bit field from version 6 on, the 32-bit one before. */
    public long splitStart(int headerVersion) {
        return headerVersion >= 6 ? startPfn64 : startPfn32;
    }

    /** One past the last frame of a split file. */
    public long splitEnd(int headerVersion) {
        return headerVersion >= 6 ? endPfn64 : endPfn32;
    }

    public boolean hasVmcoreinfo() {
        return offsetVmcoreinfo != 0 && sizeVmcoreinfo != 0;
    }

    public boolean hasNotes() {
        return offsetNote != 0 && sizeNote != 0;
    }

    public boolean hasEraseinfo() {
        return offsetEraseinfo != 0 && sizeEraseinfo != 0;
    }

    /** The {@value #SIZE}-byte on-disk form, little-endian (all fields, as version 6 has them). */
    public byte[] encode() {
        var b = new byte[SIZE];
        Bytes.putLong(b, PHYS_BASE, physBase);
        Bytes.putInt(b, DUMP_LEVEL, dumpLevel);
        Bytes.putInt(b, SPLIT, split);
        Bytes.putLong(b, START_PFN, startPfn32);
        Bytes.putLong(b, END_PFN, endPfn32);
        Bytes.putLong(b, OFFSET_VMCOREINFO, offsetVmcoreinfo);
        Bytes.putLong(b, SIZE_VMCOREINFO, sizeVmcoreinfo);
        Bytes.putLong(b, OFFSET_NOTE, offsetNote);
        Bytes.putLong(b, SIZE_NOTE, sizeNote);
        Bytes.putLong(b, OFFSET_ERASEINFO, offsetEraseinfo);
        Bytes.putLong(b, SIZE_ERASEINFO, sizeEraseinfo);
        Bytes.putLong(b, START_PFN_64, startPfn64);
        Bytes.putLong(b, END_PFN_64, endPfn64);
        Bytes.putLong(b, MAX_MAPNR_64, maxMapnr64);
        return b;
    }
}
