package org.jkdump.kernel.btf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.MappedSource;
import org.jkdump.kernel.KernelMemory;

/**
 * A parsed BTF blob: the kernel's own type information (vmlinux's .BTF section, the bytes
 * between {@code __start_BTF} and {@code __stop_BTF} in kernel memory, or
 * /sys/kernel/btf/vmlinux). Type ids start at 1 (0 is void). Split BTF (a module's) names
 * a base: its ids continue after the base's last id and its string offsets after the
 * base's string section.
 *
 * <p>Everything is checked when the blob is parsed, so that later use cannot fail or loop:
 * every record lies inside the type section, every name inside the string section, every
 * referenced id exists, and the references form no cycle that a walk could follow forever.
 * Records are decoded on first use and cached; the blob itself is kept as bytes (a 6.1
 * kernel's BTF is about 4 MiB, its decoded form would be several times that).
 */
public final class Btf {
    /** BTF_MAX_TYPE (kernel/bpf/btf.c): no kernel accepts more type ids. */
    public static final int MAX_TYPES = 0xfffff;
    /**
     * Longest allowed chain of references a walk follows (typedef to const to array to
     * struct to member ...). Real kernels stay below 40; the bound makes every recursive
     * walk over types safe on any input.
     */
    public static final int MAX_DEPTH = 512;

    // struct btf_type (include/uapi/linux/btf.h); "size" and "type" share the union at 8
    static final int T_NAME_OFF = 0, T_INFO = 4, T_SIZE_OR_TYPE = 8, TYPE_HEADER = 12;

    private final BtfBytes in;
    private final BtfHeader header;
    private final Btf base;
    private final int firstId;
    private final int[] offsets;
    private final int stringBase;
    private final int stringStart, stringLength;
    private final BtfType[] decoded;
    private final int[] buckets, chain;
    private final short[] valueDepth, nameDepth;

    private Btf(BtfBytes in, BtfHeader header, Btf base, int[] offsets) {
        this.in = in;
        this.header = header;
        this.base = base;
        this.firstId = base == null ? 1 : base.typeCount();
        this.offsets = offsets;
        this.stringBase = base == null ? 0 : base.stringEnd();
        this.stringStart = header.stringStart();
        this.stringLength = header.stringLength();
        this.decoded = new BtfType[offsets.length];
        int cap = Integer.highestOneBit(Math.max(16, offsets.length * 2 - 1));
        this.buckets = new int[cap];
        this.chain = new int[offsets.length];
        this.valueDepth = new short[offsets.length];
        this.nameDepth = new short[offsets.length];
    }

    /** Largest blob read: a 6.1 distribution kernel has 4 MiB of BTF, a fully configured one about 10. */
    public static final int MAX_BLOB = 256 << 20;

    /**
     * Reads BTF from a file: a raw blob (the /sys/kernel/btf/vmlinux format) or an ELF file
     * (vmlinux, a module) whose .BTF section holds it; recognised by content.
     */
    public static Btf load(Path path) {
        return load(path, null);
    }

    /** As {@link #load(Path)}, for a module's split BTF over {@code base} (null: no base). */
    public static Btf load(Path path, Btf base) {
        String name = path.toString();
        byte[] data;
        if (isElf(path)) {
            try (var src = MappedSource.open(path)) {
                var sec = ElfSections.find(src, ".BTF")
                        .orElseThrow(() -> new JkdumpException(name + ": ELF file without a .BTF section (kernel built without CONFIG_DEBUG_INFO_BTF?)"));
                if (sec.size() > MAX_BLOB) throw src.malformed(sec.offset(), ".BTF section of %d bytes is larger than %d", sec.size(), MAX_BLOB);
                data = src.bytes(sec.offset(), (int) sec.size());
                return build(name + " (.BTF section at file offset 0x" + Long.toHexString(sec.offset()) + ")", data, base);
            }
        }
        // a raw blob; sysfs files (/sys/kernel/btf/*) cannot be mapped, so read them
        try (var s = Files.newInputStream(path)) {
            data = s.readNBytes(MAX_BLOB + 1);
        } catch (IOException e) {
            throw new JkdumpException(name + ": cannot read: " + e.getMessage(), e);
        }
        if (data.length > MAX_BLOB) throw new JkdumpException(name + ": larger than " + MAX_BLOB + " bytes, not a BTF blob");
        return build(name, data, base);
    }

    private static boolean isElf(Path path) {
        if (Files.isDirectory(path)) throw new JkdumpException(path + ": is a directory, not a BTF or ELF file");
        if (!Files.exists(path)) throw new JkdumpException(path + ": no such file");
        try (var s = Files.newInputStream(path)) {
            return Arrays.equals(s.readNBytes(4), new byte[] {0x7f, 'E', 'L', 'F'});
        } catch (IOException e) {
            throw new JkdumpException(path + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static Btf build(String name, byte[] data, Btf base) {
        return base == null ? parse(name, data) : parseSplit(name, data, base);
    }

    /**
     * Reads the kernel's BTF from its own memory: the bytes between the symbols
     * {@code __start_BTF} and {@code __stop_BTF} (vmlinux's .BTF section, kept in the
     * read-only data of the running image).
     */
    public static Btf fromMemory(KernelMemory memory, long start, long stop) {
        String name = String.format("BTF in kernel memory [0x%016x, 0x%016x)", start, stop);
        if (Long.compareUnsigned(stop, start) <= 0 || stop - start > MAX_BLOB)
            throw new JkdumpException(name + ": " + (Long.compareUnsigned(stop, start) <= 0 ? "empty range"
                    : (stop - start) + " bytes, more than " + MAX_BLOB + ": __start_BTF/__stop_BTF are wrong"));
        byte[] data;
        try {
            data = memory.read(start, (int) (stop - start));
        } catch (JkdumpException e) {
            throw new JkdumpException(name + ": cannot read: " + e.getMessage(), e);
        }
        return parse(name, data);
    }

    /** Parses a complete (base) BTF blob; {@code name} is used in messages. */
    public static Btf parse(String name, byte[] data) {
        return parse(new BtfBytes(name, data), null);
    }

    /** Parses split BTF (a module's) whose ids and strings continue after {@code base}. */
    public static Btf parseSplit(String name, byte[] data, Btf base) {
        if (base == null) throw new IllegalArgumentException("split BTF needs a base");
        return parse(new BtfBytes(name, data), base);
    }

    private static Btf parse(BtfBytes in, Btf base) {
        var header = BtfHeader.read(in);
        var btf = new Btf(in, header, base, scanTypes(in, header, base == null ? 1 : base.typeCount()));
        btf.checkStrings();
        for (int i = 0; i < btf.offsets.length; i++) btf.checkType(i);
        BtfGraphCheck.run(btf);
        btf.indexNames();
        return btf;
    }

    /** Finds where each type record starts; every record must end inside the type section. */
    private static int[] scanTypes(BtfBytes in, BtfHeader h, int firstId) {
        int pos = h.typeStart(), end = h.typeStart() + h.typeLength();
        var offsets = new int[Math.min(h.typeLength() / TYPE_HEADER, MAX_TYPES) + 1];
        int n = 0;
        while (pos < end) {
            long id = (long) firstId + n;
            if (id > MAX_TYPES) throw in.malformed(pos, "more than %d types (BTF_MAX_TYPE)", MAX_TYPES);
            if (end - pos < TYPE_HEADER)
                throw in.malformed(pos, "type [%d]: %d bytes left in the type section, a type record needs %d", id, end - pos, TYPE_HEADER);
            int info = in.i32(pos + T_INFO);
            int code = (info >>> 24) & 0x1f;
            var kind = BtfKind.ofCode(code);
            if (kind == null || kind == BtfKind.VOID)
                throw in.malformed(pos + T_INFO, "type [%d]: unknown kind %d", id, code);
            int vlen = info & 0xffff;
            long extra = kind.extraBytes(vlen);
            if (pos + TYPE_HEADER + extra > end)
                throw in.malformed(pos, "type [%d] %s: %d entries (%d bytes) extend past the end of the type section at 0x%x",
                        id, kind, vlen, TYPE_HEADER + extra, end);
            offsets[n++] = pos;
            pos += (int) (TYPE_HEADER + extra);
        }
        return Arrays.copyOf(offsets, n);
    }

    private void checkStrings() {
        if (stringLength == 0) {
            if (base == null) throw in.malformed(BtfHeader.STR_LEN, "string section is empty (it must hold at least the empty name)");
            return;
        }
        if (base == null && in.u8(stringStart) != 0)
            throw in.malformed(stringStart, "string section does not start with a NUL byte (the empty name): split BTF (a module's) read without its base?");
        if (in.u8(stringStart + stringLength - 1) != 0)
            throw in.malformed(stringStart + stringLength - 1, "string section does not end with a NUL byte");
    }

    // ---- validation of one record (ids, names, sizes); graph checks live in BtfGraphCheck

    private void checkType(int local) {
        int pos = offsets[local], id = firstId + local;
        var kind = kindAt(local);
        int vlen = vlenAt(local);
        checkName(pos + T_NAME_OFF, id);
        long sizeOrType = in.u32(pos + T_SIZE_OR_TYPE);
        switch (kind) {
            case INT -> {
                int enc = in.i32(pos + TYPE_HEADER);
                int bits = enc & 0xff, bitOff = (enc >>> 16) & 0xff;
                if (!(sizeOrType == 1 || sizeOrType == 2 || sizeOrType == 4 || sizeOrType == 8 || sizeOrType == 16))
                    throw in.malformed(pos + T_SIZE_OR_TYPE, "type [%d] INT: size %d is not 1, 2, 4, 8 or 16", id, sizeOrType);
                if (bits == 0 || bitOff + bits > sizeOrType * 8)
                    throw in.malformed(pos + TYPE_HEADER, "type [%d] INT: %d bits at bit offset %d do not fit its %d bytes", id, bits, bitOff, sizeOrType);
            }
            case PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG -> checkRef(pos + T_SIZE_OR_TYPE, id, true);
            case ARRAY -> {
                checkRef(pos + TYPE_HEADER, id, false);
                checkRef(pos + TYPE_HEADER + 4, id, false);
            }
            case STRUCT, UNION -> {
                boolean kflag = kindFlagAt(local);
                for (int i = 0; i < vlen; i++) {
                    int m = pos + TYPE_HEADER + i * 12;
                    checkName(m, id);
                    checkRef(m + 4, id, false);
                    long off = in.u32(m + 8);
                    long bitOff = kflag ? off & 0xffffff : off;
                    long bitSize = kflag ? off >>> 24 : 0;
                    if (bitSize > 128)
                        throw in.malformed(m + 8, "type [%d] %s: member %d is a bitfield of %d bits (at most 128)", id, kind, i, bitSize);
                    if (bitOff + bitSize > sizeOrType * 8)
                        throw in.malformed(m + 8, "type [%d] %s: member %d at bit offset %d lies outside the %d-byte %s",
                                id, kind, i, bitOff, sizeOrType, kind.name().toLowerCase());
                }
            }
            case ENUM, ENUM64 -> {
                if (!(sizeOrType == 1 || sizeOrType == 2 || sizeOrType == 4 || sizeOrType == 8))
                    throw in.malformed(pos + T_SIZE_OR_TYPE, "type [%d] %s: size %d is not 1, 2, 4 or 8", id, kind, sizeOrType);
                int entry = kind.entrySize();
                for (int i = 0; i < vlen; i++) checkName(pos + TYPE_HEADER + i * entry, id);
            }
            case FUNC -> {
                checkRef(pos + T_SIZE_OR_TYPE, id, false);
                var target = kindOf((int) sizeOrType);
                if (target != BtfKind.FUNC_PROTO)
                    throw in.malformed(pos + T_SIZE_OR_TYPE, "type [%d] FUNC: refers to type [%d] %s, not a FUNC_PROTO", id, sizeOrType, target);
            }
            case FUNC_PROTO -> {
                checkRef(pos + T_SIZE_OR_TYPE, id, true);
                for (int i = 0; i < vlen; i++) {
                    int p = pos + TYPE_HEADER + i * 8;
                    checkName(p, id);
                    checkRef(p + 4, id, true);
                    if (in.i32(p + 4) == 0 && i != vlen - 1)
                        throw in.malformed(p + 4, "type [%d] FUNC_PROTO: parameter %d is void but not the last (\"...\")", id, i);
                }
            }
            case VAR -> checkRef(pos + T_SIZE_OR_TYPE, id, false);
            case DATASEC -> {
                for (int i = 0; i < vlen; i++) {
                    int v = pos + TYPE_HEADER + i * 12;
                    checkRef(v, id, false);
                    var target = kindOf(in.i32(v));
                    if (target != BtfKind.VAR && target != BtfKind.FUNC)
                        throw in.malformed(v, "type [%d] DATASEC: entry %d refers to type [%d] %s, not a VAR", id, i, in.u32(v), target);
                }
            }
            case FLOAT -> {
                if (!(sizeOrType == 2 || sizeOrType == 4 || sizeOrType == 8 || sizeOrType == 12 || sizeOrType == 16))
                    throw in.malformed(pos + T_SIZE_OR_TYPE, "type [%d] FLOAT: size %d is not 2, 4, 8, 12 or 16", id, sizeOrType);
            }
            case DECL_TAG -> {
                checkRef(pos + T_SIZE_OR_TYPE, id, false);
                int component = in.i32(pos + TYPE_HEADER);
                if (component < -1)
                    throw in.malformed(pos + TYPE_HEADER, "type [%d] DECL_TAG: component_idx %d is below -1", id, component);
            }
            case FWD, VOID -> {
            }
        }
    }

    private void checkName(int at, int id) {
        long off = in.u32(at);
        if (off >= stringEnd())
            throw in.malformed(at, "type [%d]: name offset %d is past the end of the string section (%d bytes)", id, off, stringEnd());
    }

    private void checkRef(int at, int id, boolean voidAllowed) {
        long ref = in.u32(at);
        if (ref >= typeCount())
            throw in.malformed(at, "type [%d] %s: refers to type [%d], but the last type id is %d",
                    id, kindOf(id), ref, typeCount() - 1);
        if (ref == 0 && !voidAllowed)
            throw in.malformed(at, "type [%d] %s: refers to void where a type is required", id, kindOf(id));
    }

    // ---- raw access, used by the graph check and the decoder

    BtfBytes bytes() {
        return in;
    }

    int localCount() {
        return offsets.length;
    }

    int offsetOf(int local) {
        return offsets[local];
    }

    BtfKind kindAt(int local) {
        return BtfKind.ofCode((in.i32(offsets[local] + T_INFO) >>> 24) & 0x1f);
    }

    int vlenAt(int local) {
        return in.i32(offsets[local] + T_INFO) & 0xffff;
    }

    boolean kindFlagAt(int local) {
        return in.i32(offsets[local] + T_INFO) < 0;
    }

    /** The kind of type {@code id} without decoding it (scans over all types filter on this first). */
    public BtfKind kind(int id) {
        if (id < 0 || id >= typeCount()) throw new JkdumpException(name() + ": no type id " + id + " (ids are 0.." + (typeCount() - 1) + ")");
        return kindOf(id);
    }

    /** The kind of any id, base ids included; VOID for 0. */
    BtfKind kindOf(int id) {
        if (id == 0) return BtfKind.VOID;
        if (id < firstId) return base.kindOf(id);
        return kindAt(id - firstId);
    }

    short depth(int id, boolean valueGraph) {
        if (id == 0) return 0;
        if (id < firstId) return base.depth(id, valueGraph);
        return (valueGraph ? valueDepth : nameDepth)[id - firstId];
    }

    void setDepth(int local, boolean valueGraph, short depth) {
        (valueGraph ? valueDepth : nameDepth)[local] = depth;
    }

    // ---- public model

    /** The name used in messages: a file, or the kernel memory range the blob came from. */
    public String name() {
        return in.name();
    }

    public BtfHeader header() {
        return header;
    }

    /** The base of split BTF; empty for a vmlinux's own BTF. */
    public Optional<Btf> base() {
        return Optional.ofNullable(base);
    }

    /** The first type id this blob defines: 1, or the base's type count for split BTF. */
    public int firstId() {
        return firstId;
    }

    /** One past the last type id (base ids and void included). */
    public int typeCount() {
        return firstId + offsets.length;
    }

    /** The type with id {@code id}: void for 0, the base's for ids below {@link #firstId}. */
    public BtfType type(int id) {
        if (id == 0) return VOID;
        if (id < 0 || id >= typeCount())
            throw new JkdumpException(name() + ": no type id " + id + " (ids are 0.." + (typeCount() - 1) + ")");
        if (id < firstId) return base.type(id);
        var t = decoded[id - firstId];
        if (t == null) decoded[id - firstId] = t = BtfDecoder.decode(this, id - firstId, id);
        return t;
    }

    /** Every type named {@code name}, of any kind, base types first, in id order. */
    public List<BtfType> named(String name) {
        var out = new ArrayList<BtfType>();
        if (base != null) out.addAll(base.named(name));
        if (name.isEmpty()) return out;
        byte[] want = name.getBytes(StandardCharsets.ISO_8859_1);
        var local = new ArrayList<Integer>();
        for (int e = buckets[bucket(name.hashCode())]; e != 0; e = chain[e - 1]) {
            if (nameEquals(e - 1, want)) local.add(e - 1);
        }
        local.sort(null);
        for (int l : local) out.add(type(firstId + l));
        return out;
    }

    /** The first type named {@code name} of kind {@code kind}. */
    public Optional<BtfType> named(String name, BtfKind kind) {
        for (var t : named(name)) if (t.kind() == kind) return Optional.of(t);
        return Optional.empty();
    }

    /** The string at offset {@code off} of the (combined base and split) string section. */
    public String string(long off) {
        if (off < 0 || off >= stringEnd())
            throw new MalformedBtfException(name(), stringStart, "string offset " + off + " is past the end of the string section");
        byte[] a = stringArray(off);
        int start = stringPos(off), end = start;
        while (a[end] != 0) end++; // every string section ends with NUL (checked at parse)
        return new String(a, start, end - start, StandardCharsets.ISO_8859_1);
    }

    /** The bytes holding string offset {@code off}: split BTF may name strings of its base. */
    private byte[] stringArray(long off) {
        return off < stringBase ? base.stringArray(off) : in.array();
    }

    private int stringPos(long off) {
        return off < stringBase ? base.stringPos(off) : stringStart + (int) (off - stringBase);
    }

    int stringEnd() {
        return stringBase + stringLength;
    }

    private static final BtfType VOID = new BtfType.Void();

    // ---- the name index: chained hash over name bytes, no String per type

    private void indexNames() {
        for (int l = 0; l < offsets.length; l++) {
            long off = in.u32(offsets[l] + T_NAME_OFF);
            byte[] a = stringArray(off);
            int start = stringPos(off);
            if (a[start] == 0) continue;
            int h = 0;
            for (int p = start; a[p] != 0; p++) h = 31 * h + (a[p] & 0xff);
            int b = bucket(h);
            chain[l] = buckets[b];
            buckets[b] = l + 1;
        }
    }

    private int bucket(int h) {
        return (h ^ (h >>> 16)) & (buckets.length - 1);
    }

    private boolean nameEquals(int local, byte[] want) {
        long off = in.u32(offsets[local] + T_NAME_OFF);
        byte[] a = stringArray(off);
        int start = stringPos(off);
        if (start + want.length >= a.length) return false;
        for (int i = 0; i < want.length; i++) if (a[start + i] != want[i]) return false;
        return a[start + want.length] == 0;
    }
}
