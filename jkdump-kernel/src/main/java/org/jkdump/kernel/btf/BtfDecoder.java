package org.jkdump.kernel.btf;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns one validated type record into its {@link BtfType}. Layouts follow
 * include/uapi/linux/btf.h: after {@code struct btf_type} come {@code btf_member},
 * {@code btf_enum}, {@code btf_enum64}, {@code btf_param}, {@code btf_array},
 * {@code btf_var}, {@code btf_var_secinfo} or {@code btf_decl_tag} entries, or the INT
 * encoding word. Bounds and references were checked by {@link Btf} at parse time.
 */
final class BtfDecoder {
    private static final int NAME = Btf.T_NAME_OFF, SIZE_OR_TYPE = Btf.T_SIZE_OR_TYPE, X = Btf.TYPE_HEADER;
    // INT encoding word: BTF_INT_ENCODING (bits 24-27), BTF_INT_OFFSET (16-23), BTF_INT_BITS (0-7)
    private static final int INT_SIGNED = 1, INT_CHAR = 2, INT_BOOL = 4;

    private BtfDecoder() {
    }

    static BtfType decode(Btf btf, int local, int id) {
        var in = btf.bytes();
        int pos = btf.offsetOf(local);
        var kind = btf.kindAt(local);
        int vlen = btf.vlenAt(local);
        boolean kflag = btf.kindFlagAt(local);
        String name = btf.string(in.u32(pos + NAME));
        int ref = in.i32(pos + SIZE_OR_TYPE);
        long size = in.u32(pos + SIZE_OR_TYPE);
        return switch (kind) {
            case INT -> {
                int enc = in.i32(pos + X);
                int encoding = (enc >>> 24) & 0xf;
                yield new BtfType.Int(id, name, (int) size, (encoding & INT_SIGNED) != 0, (encoding & INT_CHAR) != 0,
                        (encoding & INT_BOOL) != 0, (enc >>> 16) & 0xff, enc & 0xff);
            }
            case PTR -> new BtfType.Ptr(id, ref);
            case ARRAY -> new BtfType.Array(id, in.i32(pos + X), in.i32(pos + X + 4), in.u32(pos + X + 8));
            case STRUCT, UNION -> {
                var members = new ArrayList<BtfType.Member>(vlen);
                for (int i = 0; i < vlen; i++) {
                    int m = pos + X + i * 12; // struct btf_member { name_off, type, offset }
                    long off = in.u32(m + 8);
                    members.add(new BtfType.Member(btf.string(in.u32(m)), in.i32(m + 4),
                            kflag ? off & 0xffffff : off, kflag ? (int) (off >>> 24) : 0));
                }
                var list = List.copyOf(members);
                yield kind == BtfKind.STRUCT ? new BtfType.Struct(id, name, size, list, kflag)
                        : new BtfType.Union(id, name, size, list, kflag);
            }
            case ENUM -> {
                var values = new ArrayList<BtfType.Enumerator>(vlen);
                for (int i = 0; i < vlen; i++) {
                    int e = pos + X + i * 8; // struct btf_enum { name_off, s32 val }
                    long v = kflag ? in.i32(e + 4) : in.u32(e + 4);
                    values.add(new BtfType.Enumerator(btf.string(in.u32(e)), v));
                }
                yield new BtfType.Enum(id, name, (int) size, kflag, false, List.copyOf(values));
            }
            case ENUM64 -> {
                var values = new ArrayList<BtfType.Enumerator>(vlen);
                for (int i = 0; i < vlen; i++) {
                    int e = pos + X + i * 12; // struct btf_enum64 { name_off, val_lo32, val_hi32 }
                    long v = in.u32(e + 4) | (long) in.i32(e + 8) << 32;
                    values.add(new BtfType.Enumerator(btf.string(in.u32(e)), v));
                }
                yield new BtfType.Enum(id, name, (int) size, kflag, true, List.copyOf(values));
            }
            case FWD -> new BtfType.Fwd(id, name, kflag);
            case TYPEDEF -> new BtfType.Typedef(id, name, ref);
            case VOLATILE -> new BtfType.Volatile(id, ref);
            case CONST -> new BtfType.Const(id, ref);
            case RESTRICT -> new BtfType.Restrict(id, ref);
            case TYPE_TAG -> new BtfType.TypeTag(id, name, ref);
            case FUNC -> new BtfType.Func(id, name, ref, vlen);
            case FUNC_PROTO -> {
                var params = new ArrayList<BtfType.Param>(vlen);
                boolean variadic = false;
                for (int i = 0; i < vlen; i++) {
                    int p = pos + X + i * 8; // struct btf_param { name_off, type }
                    int type = in.i32(p + 4);
                    if (type == 0) variadic = true; // only the last (checked at parse)
                    else params.add(new BtfType.Param(btf.string(in.u32(p)), type));
                }
                yield new BtfType.FuncProto(id, ref, List.copyOf(params), variadic);
            }
            case VAR -> new BtfType.Var(id, name, ref, in.i32(pos + X));
            case DATASEC -> {
                var vars = new ArrayList<BtfType.VarSecInfo>(vlen);
                for (int i = 0; i < vlen; i++) {
                    int v = pos + X + i * 12; // struct btf_var_secinfo { type, offset, size }
                    vars.add(new BtfType.VarSecInfo(in.i32(v), in.u32(v + 4), in.u32(v + 8)));
                }
                yield new BtfType.DataSec(id, name, size, List.copyOf(vars));
            }
            case FLOAT -> new BtfType.Float(id, name, (int) size);
            case DECL_TAG -> new BtfType.DeclTag(id, name, ref, in.i32(pos + X));
            case VOID -> throw new IllegalStateException("kind 0 is rejected at parse time");
        };
    }
}
