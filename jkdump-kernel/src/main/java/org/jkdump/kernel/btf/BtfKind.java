package org.jkdump.kernel.btf;

/**
 * The kinds of BTF type records, numbered as {@code BTF_KIND_*} in the kernel's
 * include/uapi/linux/btf.h. Besides the number, each kind knows how many bytes follow the
 * 12-byte {@code struct btf_type} header: a fixed part, plus {@code vlen} entries of a
 * fixed size for the kinds that carry a list (members, enumerators, parameters, variables).
 */
public enum BtfKind {
    /** id 0 only: the void type; never defined in a type section */
    VOID(0, 0, 0),
    INT(1, 4, 0),
    PTR(2, 0, 0),
    ARRAY(3, 12, 0),
    STRUCT(4, 0, 12),
    UNION(5, 0, 12),
    ENUM(6, 0, 8),
    FWD(7, 0, 0),
    TYPEDEF(8, 0, 0),
    VOLATILE(9, 0, 0),
    CONST(10, 0, 0),
    RESTRICT(11, 0, 0),
    FUNC(12, 0, 0),
    FUNC_PROTO(13, 0, 8),
    VAR(14, 4, 0),
    DATASEC(15, 0, 12),
    FLOAT(16, 0, 0),
    DECL_TAG(17, 4, 0),
    TYPE_TAG(18, 0, 0),
    ENUM64(19, 0, 12);

    private static final BtfKind[] BY_CODE = values();

    private final int code;
    private final int fixedExtra;
    private final int entrySize;

    BtfKind(int code, int fixedExtra, int entrySize) {
        this.code = code;
        this.fixedExtra = fixedExtra;
        this.entrySize = entrySize;
    }

    /** The {@code BTF_KIND_*} number. */
    public int code() {
        return code;
    }

    /** Bytes that follow {@code struct btf_type} for a record with {@code vlen} entries. */
    long extraBytes(int vlen) {
        return fixedExtra + (long) entrySize * vlen;
    }

    /** Size of one {@code vlen} entry (btf_member, btf_enum, btf_param, ...), 0 for kinds without a list. */
    int entrySize() {
        return entrySize;
    }

    /** The kind numbered {@code code}, or null when the number is not a known kind. */
    static BtfKind ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
