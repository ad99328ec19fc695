package org.jkdump.format;

/**
 * How a page of a kdump-compressed file is stored: the {@code DUMP_DH_COMPRESSED_*} flag of its
 * descriptor (makedumpfile's diskdump_mod.h). zlib is the zlib format of {@code compress2()};
 * LZO is raw LZO1X-1; snappy is the raw block format; zstd one frame. All are decoded in pure
 * Java (java.util.zip and aircompressor).
 */
public enum PageCodec {
    NONE(0, "none"),
    ZLIB(0x1, "zlib"),
    LZO(0x2, "lzo"),
    SNAPPY(0x4, "snappy"),
    ZSTD(0x20, "zstd");

    private static final int ALL = 0x1 | 0x2 | 0x4 | 0x20;

    private final int flag;
    private final String text;

    PageCodec(int flag, String text) {
        this.flag = flag;
        this.text = text;
    }

    /** The descriptor flag (and header status bit) of this codec. */
    public int flag() {
        return flag;
    }

    /** Lower-case name, as makedumpfile's options say it. */
    public String text() {
        return text;
    }

    /** The codec of a descriptor's {@code flags}; {@code null} when more than one codec bit is set. */
    static PageCodec ofFlags(int flags) {
        int bits = flags & ALL;
        if (bits == 0) return NONE;
        if (Integer.bitCount(bits) != 1) return null;
        for (var c : values())
            if (c.flag == bits) return c;
        throw new AssertionError(bits);
    }

    /** By name ("zlib", "lzo", "snappy", "zstd", "none"). */
    public static PageCodec byName(String name) {
        for (var c : values())
            if (c.text.equalsIgnoreCase(name)) return c;
        throw new JkdumpException("unknown page codec \"" + name + "\" (none, zlib, lzo, snappy, zstd)");
    }
}
