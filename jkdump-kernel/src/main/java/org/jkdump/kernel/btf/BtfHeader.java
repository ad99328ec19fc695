package org.jkdump.kernel.btf;

/**
 * struct btf_header (include/uapi/linux/btf.h): magic 0xeB9F, version 1, the header's own
 * length, and the type and string sections as offsets relative to the end of the header.
 * {@link #read} checks that both sections lie inside the blob and do not overlap.
 */
public record BtfHeader(int version, int flags, int headerLength, int typeOffset, int typeLength,
                        int stringOffset, int stringLength) {
    static final int MAGIC = 0xeb9f;
    // struct btf_header
    static final int MAGIC_OFF = 0, VERSION = 2, FLAGS = 3, HDR_LEN = 4, TYPE_OFF = 8, TYPE_LEN = 12,
            STR_OFF = 16, STR_LEN = 20, SIZE = 24;

    /** Absolute offset of the type section in the blob. */
    public int typeStart() {
        return headerLength + typeOffset;
    }

    /** Absolute offset of the string section in the blob. */
    public int stringStart() {
        return headerLength + stringOffset;
    }

    static BtfHeader read(BtfBytes in) {
        if (in.length() < SIZE)
            throw in.malformed(0, "truncated header: the blob has %d bytes, struct btf_header needs %d", in.length(), SIZE);
        int magic = in.u16(MAGIC_OFF);
        if (magic == Integer.reverseBytes(MAGIC) >>> 16)
            throw in.malformed(MAGIC_OFF, "big-endian BTF (magic 0x9feb read little-endian) is not supported: x86-64 BTF is little-endian");
        if (magic != MAGIC) throw in.malformed(MAGIC_OFF, "bad magic 0x%04x, expected 0xeb9f", magic);
        int version = in.u8(VERSION);
        if (version != 1) throw in.malformed(VERSION, "unsupported BTF version %d, expected 1", version);
        long hdrLen = in.u32(HDR_LEN);
        if (hdrLen < SIZE || hdrLen > in.length())
            throw in.malformed(HDR_LEN, "hdr_len %d is not between %d and the blob's length %d", hdrLen, SIZE, in.length());
        long typeOff = in.u32(TYPE_OFF), typeLen = in.u32(TYPE_LEN), strOff = in.u32(STR_OFF), strLen = in.u32(STR_LEN);
        long bodyLen = in.length() - hdrLen;
        if (typeOff % 4 != 0) throw in.malformed(TYPE_OFF, "type_off %d is not 4-byte aligned", typeOff);
        if (typeOff + typeLen > bodyLen)
            throw in.malformed(TYPE_OFF, "type section (type_off %d, type_len %d) extends past the end of the blob (%d bytes after the header)",
                    typeOff, typeLen, bodyLen);
        if (strOff + strLen > bodyLen)
            throw in.malformed(STR_OFF, "string section (str_off %d, str_len %d) extends past the end of the blob (%d bytes after the header)",
                    strOff, strLen, bodyLen);
        if (typeLen > 0 && strLen > 0 && typeOff < strOff + strLen && strOff < typeOff + typeLen)
            throw in.malformed(STR_OFF, "string section [%d, %d) overlaps type section [%d, %d)", strOff, strOff + strLen, typeOff, typeOff + typeLen);
        return new BtfHeader(version, in.u8(FLAGS), (int) hdrLen, (int) typeOff, (int) typeLen, (int) strOff, (int) strLen);
    }
}
