package org.jkdump.kernel;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.btf.BtfType;

/**
 * A typed value of the crashed kernel, as drgn's {@code Object}: either a reference (a
 * type at a virtual address, read when asked) or a value held in bytes (a snapshot taken
 * with {@link #read()}, or a number such as a register). Members are found by name through
 * anonymous structs and unions, or by dotted path; pointers to structs are followed by
 * {@link #member} as C's {@code ->} does. Bitfields, enums, char arrays and {@code char *}
 * read as numbers, names and strings.
 *
 * <p>Each object remembers the expression that produced it ({@code init_task.tasks.next},
 * {@code *task_struct.mm}), so a failed read says what was being read, its type and its
 * address, and why the read failed.
 */
public final class KObject {
    /** Largest object read at once: far above any kernel structure, far below a heap problem. */
    static final long MAX_READ = 16 << 20;
    private static final long NO_ADDRESS = -1;

    private final Types types;
    private final KernelMemory memory;
    private final BtfType type;
    private final long address;
    private final byte[] value;
    private final int bitOffset;
    private final int bitSize;
    private final String origin;

    private KObject(Types types, KernelMemory memory, BtfType type, long address, byte[] value, int bitOffset,
                    int bitSize, String origin) {
        this.types = types;
        this.memory = memory;
        this.type = type;
        this.address = address;
        this.value = value;
        this.bitOffset = bitOffset;
        this.bitSize = bitSize;
        this.origin = origin;
    }

    /** The object of type {@code type} at virtual address {@code address}; nothing is read yet. */
    public static KObject at(Types types, KernelMemory memory, BtfType type, long address) {
        return new KObject(types, memory, type, address, null, 0, 0, types.name(type));
    }

    /** As {@link #at}, named as the caller knows it (a symbol such as {@code init_task}) for messages. */
    public static KObject at(Types types, KernelMemory memory, BtfType type, long address, String origin) {
        return new KObject(types, memory, type, address, null, 0, 0, origin);
    }

    public static KObject at(Types types, KernelMemory memory, String typeSpec, long address) {
        return at(types, memory, types.type(typeSpec), address);
    }

    /** A value of {@code type} held in {@code bytes} (little-endian, as the kernel stores it). */
    public static KObject value(Types types, KernelMemory memory, BtfType type, byte[] bytes) {
        long size = types.sizeof(type);
        if (bytes.length != size)
            throw new TypeMismatchException(types.name(type) + " is " + size + " bytes, the value given has " + bytes.length);
        return new KObject(types, memory, type, NO_ADDRESS, bytes.clone(), 0, 0, "value of " + types.name(type));
    }

    /** A scalar value (integer, enum or pointer type) holding {@code v}. */
    public static KObject value(Types types, KernelMemory memory, BtfType type, long v) {
        int size = (int) types.sizeof(type);
        if (size > 8) throw new TypeMismatchException(types.name(type) + " is not a scalar type");
        var b = new byte[size];
        for (int i = 0; i < size; i++) b[i] = (byte) (v >>> (8 * i));
        return new KObject(types, memory, type, NO_ADDRESS, b, 0, 0, String.format("(%s)0x%x", types.name(type), v));
    }

    /**
     * {@code container_of(ptr, type, member)}: the {@code type} object that holds member
     * {@code member} at virtual address {@code ptr}.
     */
    public static KObject containerOf(Types types, KernelMemory memory, long ptr, String typeSpec, String member) {
        var t = types.type(typeSpec);
        long addr = ptr - types.offsetOf(t, member);
        return new KObject(types, memory, t, addr, null, 0, 0,
                String.format("container_of(0x%x, %s, %s)", ptr, types.name(t), member));
    }

    // ---- identity

    public BtfType type() {
        return type;
    }

    /** The type's C spelling, e.g. {@code "struct task_struct *"}. */
    public String typeName() {
        return types.name(type);
    }

    public Types types() {
        return types;
    }

    /** The memory this object is read from (and its pointers followed through). */
    public KernelMemory memory() {
        return memory;
    }

    /** Whether this object lives in kernel memory (a reference) rather than in held bytes. */
    public boolean hasAddress() {
        return value == null;
    }

    /** The object's virtual address; fails for a value. For a bitfield, the byte holding its first bit. */
    public long address() {
        if (value != null) throw new TypeMismatchException(origin + " is a value, it has no address");
        return address;
    }

    /** The expression that led to this object, used in messages. */
    public String origin() {
        return origin;
    }

    // ---- navigation

    /**
     * The member at {@code path} ({@code "comm"}, {@code "se.avg"}, {@code "pid_links[1]"}):
     * members of anonymous structs and unions are found as if direct, and a pointer to a
     * struct or union is followed first (C's {@code ->}).
     */
    public KObject member(String path) {
        KObject cur = this;
        // one dot-separated name at a time, so that pointers on the way are followed
        for (String part : path.split("\\.", -1)) {
            if (part.isEmpty()) throw new TypeMismatchException("member path '" + path + "' of " + origin + " has an empty name");
            cur = cur.memberStep(part);
        }
        return cur;
    }

    /** Whether {@code member(path)} would find a member (following pointers); the feature check. */
    public boolean hasMember(String path) {
        BtfType cur = type;
        for (String part : path.split("\\.", -1)) {
            var r = types.resolve(cur);
            if (r instanceof BtfType.Ptr p) r = types.resolve(types.type(p.target()));
            if (!(r instanceof BtfType.Composite)) return false;
            var loc = part.isEmpty() ? Optional.<MemberLocation>empty() : types.findMember(r, part);
            if (loc.isEmpty()) return false;
            cur = loc.get().type();
        }
        return true;
    }

    private KObject memberStep(String part) {
        var r = types.resolve(type);
        if (r instanceof BtfType.Ptr) return deref().memberStep(part);
        if (!(r instanceof BtfType.Composite))
            throw new TypeMismatchException("cannot take member '" + part + "' of " + origin + ": " + typeName() + " is not a struct, union or pointer to one");
        if (bitSize != 0) throw new TypeMismatchException(origin + " is a bitfield");
        var loc = types.findMember(type, part).orElseThrow(() -> new UnknownTypeException(
                typeName() + " has no member '" + part + "' (reading " + origin + ") in " + types.btf().name()));
        return child(loc.type(), loc.bitOffset(), loc.bitSize(), origin + "." + part);
    }

    private KObject child(BtfType t, long bitOff, int bits, String childOrigin) {
        long bytesIn = bitOff >>> 3;
        int bitIn = (int) (bitOff & 7);
        if (bits == 0 && bitIn != 0)
            throw new TypeMismatchException(childOrigin + " lies at bit offset " + bitOff + ", not on a byte boundary");
        if (value == null) return new KObject(types, memory, t, address + bytesIn, null, bitIn, bits, childOrigin);
        long size = bits == 0 ? types.sizeof(t) : (bitIn + bits + 7) / 8;
        if (bytesIn + size > value.length)
            throw new TypeMismatchException(childOrigin + " (" + size + " bytes at " + bytesIn + ") lies outside the " + value.length + "-byte value it belongs to");
        return new KObject(types, memory, t, NO_ADDRESS, Arrays.copyOfRange(value, (int) bytesIn, (int) (bytesIn + size)), bitIn, bits, childOrigin);
    }

    /** {@code *ptr}: the object a pointer points to; a NULL pointer fails, naming it. */
    public KObject deref() {
        if (!(types.resolve(type) instanceof BtfType.Ptr p))
            throw new TypeMismatchException("cannot dereference " + origin + ": " + typeName() + " is not a pointer");
        var target = types.type(p.target());
        if (types.resolve(target) instanceof BtfType.Void)
            throw new TypeMismatchException("cannot dereference " + origin + ": it is a void pointer (cast it first)");
        long ptr = asUnsigned();
        if (ptr == 0) throw new ObjectReadException("cannot dereference " + origin + " (" + typeName() + "): it is NULL", 0, null);
        return new KObject(types, memory, target, ptr, null, 0, 0, "*" + origin);
    }

    /** Element {@code i} of an array, or {@code ptr[i]} for a pointer. */
    public KObject index(long i) {
        var r = types.resolve(type);
        if (r instanceof BtfType.Array a) {
            types.checkIndex(a, i, origin);
            var elem = types.type(a.element());
            return child(elem, Math.multiplyExact(i, types.sizeof(elem)) * 8, 0, origin + "[" + i + "]");
        }
        if (r instanceof BtfType.Ptr p) {
            var elem = types.type(p.target());
            long ptr = asUnsigned();
            if (ptr == 0) throw new ObjectReadException("cannot index " + origin + " (" + typeName() + "): it is NULL", 0, null);
            return new KObject(types, memory, elem, ptr + i * types.sizeof(elem), null, 0, 0, origin + "[" + i + "]");
        }
        throw new TypeMismatchException("cannot index " + origin + ": " + typeName() + " is not an array or pointer");
    }

    /** The array's length; 0 for a flexible array member. */
    public long length() {
        if (!(types.resolve(type) instanceof BtfType.Array a))
            throw new TypeMismatchException(origin + " (" + typeName() + ") is not an array");
        return a.count();
    }

    /**
     * The object viewed as {@code target}: scalars (integers, enums, pointers) convert by
     * value as C casts do; anything else is reinterpreted at the same address or bytes.
     */
    public KObject cast(BtfType target) {
        var from = types.resolve(type);
        var to = types.resolve(target);
        boolean scalars = isScalar(from) && isScalar(to);
        String o = "(" + types.name(target) + ")" + origin;
        if (scalars) {
            long v = asLong();
            int size = (int) types.sizeof(to);
            var b = new byte[size];
            for (int i = 0; i < size; i++) b[i] = (byte) (v >>> (8 * i));
            return new KObject(types, memory, target, NO_ADDRESS, b, 0, 0, o);
        }
        if (bitSize != 0) throw new TypeMismatchException("cannot reinterpret bitfield " + origin);
        if (value == null) return new KObject(types, memory, target, address, null, 0, 0, o);
        long size = types.sizeof(target);
        if (size > value.length) throw new TypeMismatchException("cannot reinterpret the " + value.length + "-byte value " + origin + " as " + size + "-byte " + types.name(target));
        return new KObject(types, memory, target, NO_ADDRESS, Arrays.copyOf(value, (int) size), 0, 0, o);
    }

    public KObject cast(String typeSpec) {
        return cast(types.type(typeSpec));
    }

    /**
     * container_of for this object: the {@code typeSpec} object whose member {@code member}
     * is this object (a reference), or is where this pointer points.
     */
    public KObject containerOf(String typeSpec, String member) {
        long at = types.resolve(type) instanceof BtfType.Ptr ? asUnsigned() : address();
        var t = types.type(typeSpec);
        return new KObject(types, memory, t, at - types.offsetOf(t, member), null, 0, 0,
                "container_of(" + origin + ", " + types.name(t) + ", " + member + ")");
    }

    // ---- values

    /** Reads a reference into a value: one read for the whole object, members then come from the copy. */
    public KObject read() {
        if (value != null) return this;
        return new KObject(types, memory, type, NO_ADDRESS, bytes(), bitOffset, bitSize, origin);
    }

    /** The object's bytes (for a bitfield, the bytes that hold it). */
    public byte[] bytes() {
        if (value != null) return value.clone();
        long size = bitSize != 0 ? (bitOffset + bitSize + 7) / 8 : types.sizeof(type);
        if (size > MAX_READ)
            throw new TypeMismatchException(String.format("%s (%s) is %d bytes, more than the %d read at once", origin, typeName(), size, MAX_READ));
        var b = new byte[(int) size];
        try {
            memory.read(address, b, 0, b.length);
        } catch (JkdumpException e) {
            throw new ObjectReadException(String.format("cannot read %s (%s) at 0x%016x: %s", origin, typeName(), address, e.getMessage()), address, e);
        }
        return b;
    }

    /** The value as a signed number: integers, bools, enums, pointers (as unsigned), bitfields. */
    public long asLong() {
        var r = types.resolve(type);
        boolean signed = switch (r) {
            case BtfType.Int i -> i.signed();
            case BtfType.Enum e -> e.signed();
            case BtfType.Ptr p -> false;
            default -> throw new TypeMismatchException(origin + " (" + typeName() + ") is not an integer, enum or pointer");
        };
        return raw(signed);
    }

    /** The value zero-extended: for an 8-byte value, the bits as they are (use Long's unsigned methods). */
    public long asUnsigned() {
        var r = types.resolve(type);
        if (!(r instanceof BtfType.Int || r instanceof BtfType.Enum || r instanceof BtfType.Ptr))
            throw new TypeMismatchException(origin + " (" + typeName() + ") is not an integer, enum or pointer");
        return raw(false);
    }

    public boolean asBoolean() {
        return asUnsigned() != 0;
    }

    /** Whether this pointer is NULL. */
    public boolean isNull() {
        if (!(types.resolve(type) instanceof BtfType.Ptr))
            throw new TypeMismatchException(origin + " (" + typeName() + ") is not a pointer");
        return asUnsigned() == 0;
    }

    private long raw(boolean signed) {
        var b = bytes();
        if (bitSize != 0) {
            if (bitSize > 64) throw new TypeMismatchException(origin + " is a " + bitSize + "-bit bitfield, wider than 64 bits");
            long v = 0;
            for (int i = 0; i < bitSize; i++) {
                int bit = bitOffset + i;
                if ((b[bit >>> 3] >>> (bit & 7) & 1) != 0) v |= 1L << i;
            }
            return signed && bitSize < 64 ? v << (64 - bitSize) >> (64 - bitSize) : v;
        }
        if (b.length > 8) throw new TypeMismatchException(origin + " (" + typeName() + ") is " + b.length + " bytes, wider than 64 bits");
        long v = 0;
        for (int i = 0; i < b.length; i++) v |= (b[i] & 0xffL) << (8 * i);
        int bits = b.length * 8;
        return signed && bits < 64 ? v << (64 - bits) >> (64 - bits) : v;
    }

    /** The enumerator naming this enum value, if one does. */
    public Optional<String> enumName() {
        return types.enumeratorName(type, asLong());
    }

    /** A char array up to its first NUL, or the string a {@code char *} points to (at most 4096 bytes). */
    public String asString() {
        return asString(4096);
    }

    /** As {@link #asString()}, reading at most {@code max} bytes through a pointer. Bytes map to chars one to one (Latin-1), as crash shows them. */
    public String asString(int max) {
        var r = types.resolve(type);
        if (r instanceof BtfType.Array a && isByte(types.type(a.element()))) {
            var b = bytes();
            int n = 0;
            while (n < b.length && b[n] != 0) n++;
            return new String(b, 0, n, StandardCharsets.ISO_8859_1);
        }
        if (r instanceof BtfType.Ptr p && isByte(types.type(p.target()))) {
            long ptr = asUnsigned();
            if (ptr == 0) throw new ObjectReadException("cannot read the string at " + origin + ": the pointer is NULL", 0, null);
            try {
                return memory.cString(ptr, max);
            } catch (JkdumpException e) {
                throw new ObjectReadException(String.format("cannot read the string %s points to at 0x%016x: %s", origin, ptr, e.getMessage()), ptr, e);
            }
        }
        throw new TypeMismatchException(origin + " (" + typeName() + ") is not a char array or char pointer");
    }

    private boolean isByte(BtfType t) {
        return types.resolve(t) instanceof BtfType.Int i && i.size() == 1;
    }

    private static boolean isScalar(BtfType t) {
        return t instanceof BtfType.Int || t instanceof BtfType.Enum || t instanceof BtfType.Ptr;
    }

    @Override
    public String toString() {
        if (value != null) return origin + " (" + typeName() + ", value)";
        return String.format("%s (%s) at 0x%016x", origin, typeName(), address);
    }
}
