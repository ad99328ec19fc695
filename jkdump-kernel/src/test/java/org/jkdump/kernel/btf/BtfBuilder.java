package org.jkdump.kernel.btf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes BTF blobs for tests, record by record as include/uapi/linux/btf.h lays them out:
 * a 24-byte header, the type section, the string section. Nothing is checked, so tests can
 * build hostile blobs as easily as valid ones. For split BTF, ids and string offsets start
 * after the base's.
 */
public final class BtfBuilder {
    private final ByteArrayOutputStream types = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private final Map<String, Integer> stringOffsets = new HashMap<>();
    private final int stringBase;
    private int nextId;

    public BtfBuilder() {
        this(1, 0);
        strings.write(0);
        stringOffsets.put("", 0);
    }

    /** Split BTF over a base with {@code baseTypeCount} ids (void included) and {@code baseStringLength} string bytes. */
    public BtfBuilder(int baseTypeCount, int baseStringLength) {
        this.nextId = baseTypeCount;
        this.stringBase = baseStringLength;
    }

    public static BtfBuilder splitOver(Btf base) {
        return new BtfBuilder(base.typeCount(), base.header().stringLength());
    }

    public int str(String s) {
        if (s.isEmpty() && stringBase == 0) return 0;
        return stringOffsets.computeIfAbsent(s, k -> {
            int off = stringBase + strings.size();
            strings.writeBytes(k.getBytes(StandardCharsets.ISO_8859_1));
            strings.write(0);
            return off;
        });
    }

    /** A raw record: struct btf_type then {@code extra} u32 words; returns its id. */
    public int raw(int nameOff, int kind, int vlen, boolean kflag, int sizeOrType, int... extra) {
        word(nameOff);
        word((kflag ? 1 << 31 : 0) | (kind & 0x1f) << 24 | (vlen & 0xffff));
        word(sizeOrType);
        for (int w : extra) word(w);
        return nextId++;
    }

    public int add(BtfKind kind, String name, int vlen, boolean kflag, int sizeOrType, int... extra) {
        return raw(str(name), kind.code(), vlen, kflag, sizeOrType, extra);
    }

    public int intType(String name, int size, boolean signed) {
        return add(BtfKind.INT, name, 0, false, size, (signed ? 1 << 24 : 0) | size * 8);
    }

    public int ptr(int target) {
        return add(BtfKind.PTR, "", 0, false, target);
    }

    public int array(int element, int index, int count) {
        return add(BtfKind.ARRAY, "", 0, false, 0, element, index, count);
    }

    public int typedef(String name, int target) {
        return add(BtfKind.TYPEDEF, name, 0, false, target);
    }

    public int constOf(int target) {
        return add(BtfKind.CONST, "", 0, false, target);
    }

    public int volatileOf(int target) {
        return add(BtfKind.VOLATILE, "", 0, false, target);
    }

    public int restrictOf(int target) {
        return add(BtfKind.RESTRICT, "", 0, false, target);
    }

    public int typeTag(String name, int target) {
        return add(BtfKind.TYPE_TAG, name, 0, false, target);
    }

    public int fwd(String name, boolean union) {
        return add(BtfKind.FWD, name, 0, union, 0);
    }

    public int floatType(String name, int size) {
        return add(BtfKind.FLOAT, name, 0, false, size);
    }

    /** A member for {@link #struct}: name, type, bit offset, bitfield size (kind_flag layouts only). */
    public record M(String name, int type, int bitOffset, int bitfieldSize) {
        public M(String name, int type, int bitOffset) {
            this(name, type, bitOffset, 0);
        }
    }

    public int struct(String name, int size, M... members) {
        return composite(BtfKind.STRUCT, name, size, members);
    }

    public int union(String name, int size, M... members) {
        return composite(BtfKind.UNION, name, size, members);
    }

    private int composite(BtfKind kind, String name, int size, M... members) {
        boolean kflag = false;
        for (var m : members) kflag |= m.bitfieldSize() != 0;
        var words = new int[members.length * 3];
        for (int i = 0; i < members.length; i++) {
            var m = members[i];
            words[3 * i] = str(m.name());
            words[3 * i + 1] = m.type();
            words[3 * i + 2] = kflag ? m.bitfieldSize() << 24 | m.bitOffset() : m.bitOffset();
        }
        return add(kind, name, members.length, kflag, size, words);
    }

    public int enumType(String name, int size, boolean signed, Object... nameValue) {
        var words = new int[nameValue.length];
        for (int i = 0; i < nameValue.length; i += 2) {
            words[i] = str((String) nameValue[i]);
            words[i + 1] = ((Number) nameValue[i + 1]).intValue();
        }
        return add(BtfKind.ENUM, name, nameValue.length / 2, signed, size, words);
    }

    public int enum64(String name, boolean signed, Object... nameValue) {
        var words = new int[nameValue.length / 2 * 3];
        for (int i = 0, w = 0; i < nameValue.length; i += 2, w += 3) {
            long v = ((Number) nameValue[i + 1]).longValue();
            words[w] = str((String) nameValue[i]);
            words[w + 1] = (int) v;
            words[w + 2] = (int) (v >>> 32);
        }
        return add(BtfKind.ENUM64, name, nameValue.length / 2, signed, 8, words);
    }

    /** A prototype; a parameter type 0 as the last makes it variadic. */
    public int funcProto(int returnType, int... paramTypes) {
        var words = new int[paramTypes.length * 2];
        for (int i = 0; i < paramTypes.length; i++) words[2 * i + 1] = paramTypes[i];
        return add(BtfKind.FUNC_PROTO, "", paramTypes.length, false, returnType, words);
    }

    public int func(String name, int proto) {
        return add(BtfKind.FUNC, name, 1, false, proto);
    }

    public int var(String name, int type) {
        return add(BtfKind.VAR, name, 0, false, type, 1);
    }

    /** A DATASEC; {@code entries} are (var id, offset, size) triples. */
    public int datasec(String name, int size, int... entries) {
        return add(BtfKind.DATASEC, name, entries.length / 3, false, size, entries);
    }

    public int declTag(String name, int target, int component) {
        return add(BtfKind.DECL_TAG, name, 0, false, target, component);
    }

    public int typeSectionLength() {
        return types.size();
    }

    /** The blob: header (type section first, strings after), types, strings. */
    public byte[] build() {
        return build(types.size(), types.size(), strings.size());
    }

    /** The blob with header fields as given (for hostile headers); sections are written as built. */
    public byte[] build(int typeLen, int strOff, int strLen) {
        var out = ByteBuffer.allocate(24 + types.size() + strings.size()).order(ByteOrder.LITTLE_ENDIAN);
        out.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24);
        out.putInt(0).putInt(typeLen).putInt(strOff).putInt(strLen);
        out.put(types.toByteArray()).put(strings.toByteArray());
        return out.array();
    }

    private void word(int w) {
        types.write(w);
        types.write(w >>> 8);
        types.write(w >>> 16);
        types.write(w >>> 24);
    }
}
