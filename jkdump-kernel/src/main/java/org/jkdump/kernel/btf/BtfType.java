package org.jkdump.kernel.btf;

import java.util.List;

/**
 * One BTF type record (include/uapi/linux/btf.h, Documentation/bpf/btf.rst), decoded.
 * Every record carries its type id; references to other types are ids, resolved through the
 * {@link Btf} that holds them, so that the self-referencing types of C (a struct with a
 * pointer to itself) need no cyclic object graph. Names are empty for anonymous types.
 */
public sealed interface BtfType {
    /** The type id; 0 is void. */
    int id();

    /** The type's name as BTF stores it, empty when anonymous or when the kind has none. */
    default String name() {
        return "";
    }

    BtfKind kind();

    /** id 0: void, the type of {@code void *}'s target and of a function returning nothing. */
    record Void() implements BtfType {
        public int id() {
            return 0;
        }

        public BtfKind kind() {
            return BtfKind.VOID;
        }
    }

    /** BTF_KIND_INT: {@code size} bytes, of which {@code bits} bits starting at {@code bitOffset} are the value. */
    record Int(int id, String name, int size, boolean signed, boolean isChar, boolean isBool, int bitOffset, int bits)
            implements BtfType {
        public BtfKind kind() {
            return BtfKind.INT;
        }
    }

    /** BTF_KIND_PTR to {@code target}. */
    record Ptr(int id, int target) implements BtfType {
        public BtfKind kind() {
            return BtfKind.PTR;
        }
    }

    /** BTF_KIND_ARRAY: {@code count} elements of {@code element}; 0 for a flexible array. */
    record Array(int id, int element, int indexType, long count) implements BtfType {
        public BtfKind kind() {
            return BtfKind.ARRAY;
        }
    }

    /** A struct or union: its size in bytes and members. */
    sealed interface Composite extends BtfType permits Struct, Union {
        long size();

        List<Member> members();

        /** The kind_flag: member offsets carry bitfield sizes (btf_member.offset = size << 24 | bit offset). */
        boolean bitfieldOffsets();
    }

    /** BTF_KIND_STRUCT. */
    record Struct(int id, String name, long size, List<Member> members, boolean bitfieldOffsets) implements Composite {
        public BtfKind kind() {
            return BtfKind.STRUCT;
        }
    }

    /** BTF_KIND_UNION. */
    record Union(int id, String name, long size, List<Member> members, boolean bitfieldOffsets) implements Composite {
        public BtfKind kind() {
            return BtfKind.UNION;
        }
    }

    /**
     * One struct/union member: {@code bitfieldSize} is 0 unless the composite's kind_flag
     * says the member is a bitfield (older BTF marks bitfields in the member's INT type).
     */
    record Member(String name, int type, long bitOffset, int bitfieldSize) {
    }

    /** BTF_KIND_ENUM (32-bit values) and BTF_KIND_ENUM64; {@code signed} is the kind_flag. */
    record Enum(int id, String name, int size, boolean signed, boolean is64, List<Enumerator> values) implements BtfType {
        public BtfKind kind() {
            return is64 ? BtfKind.ENUM64 : BtfKind.ENUM;
        }
    }

    /** One enumerator: name and value (sign-extended from 32 bits for a signed ENUM). */
    record Enumerator(String name, long value) {
    }

    /** BTF_KIND_FWD: a declared but not defined struct or union. */
    record Fwd(int id, String name, boolean union) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FWD;
        }
    }

    /** BTF_KIND_TYPEDEF. */
    record Typedef(int id, String name, int target) implements BtfType {
        public BtfKind kind() {
            return BtfKind.TYPEDEF;
        }
    }

    /** BTF_KIND_VOLATILE. */
    record Volatile(int id, int target) implements BtfType {
        public BtfKind kind() {
            return BtfKind.VOLATILE;
        }
    }

    /** BTF_KIND_CONST. */
    record Const(int id, int target) implements BtfType {
        public BtfKind kind() {
            return BtfKind.CONST;
        }
    }

    /** BTF_KIND_RESTRICT. */
    record Restrict(int id, int target) implements BtfType {
        public BtfKind kind() {
            return BtfKind.RESTRICT;
        }
    }

    /** BTF_KIND_TYPE_TAG: an attribute on the pointee ({@code __user}, {@code __rcu}, {@code __percpu}). */
    record TypeTag(int id, String name, int target) implements BtfType {
        public BtfKind kind() {
            return BtfKind.TYPE_TAG;
        }
    }

    /** BTF_KIND_FUNC: a function, its prototype and linkage (0 static, 1 global, 2 extern). */
    record Func(int id, String name, int proto, int linkage) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FUNC;
        }
    }

    /** BTF_KIND_FUNC_PROTO: return type and parameters; a trailing parameter of type 0 means "...". */
    record FuncProto(int id, int returnType, List<Param> params, boolean variadic) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FUNC_PROTO;
        }
    }

    /** One function parameter; BTF often leaves the name empty. */
    record Param(String name, int type) {
    }

    /** BTF_KIND_VAR: a global variable (linkage 0 static, 1 global). */
    record Var(int id, String name, int type, int linkage) implements BtfType {
        public BtfKind kind() {
            return BtfKind.VAR;
        }
    }

    /** BTF_KIND_DATASEC: an ELF section and the variables in it, at section-relative offsets. */
    record DataSec(int id, String name, long size, List<VarSecInfo> vars) implements BtfType {
        public BtfKind kind() {
            return BtfKind.DATASEC;
        }
    }

    /** struct btf_var_secinfo: a VAR's id, its offset inside the section and size. */
    record VarSecInfo(int type, long offset, long size) {
    }

    /** BTF_KIND_FLOAT. */
    record Float(int id, String name, int size) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FLOAT;
        }
    }

    /** BTF_KIND_DECL_TAG: a tag on a type, or on its member/parameter {@code componentIndex} (-1: the type itself). */
    record DeclTag(int id, String name, int target, int componentIndex) implements BtfType {
        public BtfKind kind() {
            return BtfKind.DECL_TAG;
        }
    }
}
