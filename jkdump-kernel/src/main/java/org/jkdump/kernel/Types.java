package org.jkdump.kernel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.jkdump.kernel.btf.Btf;
import org.jkdump.kernel.btf.BtfKind;
import org.jkdump.kernel.btf.BtfType;

/**
 * The kernel's types as C sees them, over its BTF: lookup by C spelling
 * ({@code "struct task_struct"}, {@code "pid_t"}, {@code "unsigned long"}), sizes, member
 * offsets by dotted path through anonymous structs and unions, enumerator values, and type
 * names spelled as crash prints them ({@code "struct list_head *"}, {@code "char [16]"},
 * {@code "unsigned long (*)(struct file *, unsigned long)"}). This is crash's offset table
 * and drgn's type lookup in one place; helpers resolve their layouts here once.
 *
 * <p>Walks over types terminate and stay shallow on any input: {@link Btf} rejects blobs
 * whose references form cycles or nest deeper than {@link Btf#MAX_DEPTH}.
 */
public final class Types {
    /** sizeof(void *) on x86-64, the only architecture jkdump reads; BTF does not record it. */
    public static final int POINTER_SIZE = 8;

    /** GCC's DWARF spellings of the C base types (which pahole copies into BTF) and C's usual ones. */
    private static final Map<String, String> C_SPELLING = Map.of(
            "long int", "long", "long unsigned int", "unsigned long",
            "long long int", "long long", "long long unsigned int", "unsigned long long",
            "short int", "short", "short unsigned int", "unsigned short");
    private static final Map<String, String> GCC_SPELLING = invert(C_SPELLING);

    private final Btf btf;
    private volatile Map<String, Long> constants;
    private volatile Map<String, Variable> variables;
    private volatile Map<Integer, Integer> pointers;

    public Types(Btf btf) {
        this.btf = btf;
    }

    /** A global variable BTF describes (pahole ≤ 1.25 emits only per-cpu ones): its type and place in its section. */
    public record Variable(String name, BtfType type, String section, long offset) {
    }

    public Btf btf() {
        return btf;
    }

    public BtfType type(int id) {
        return btf.type(id);
    }

    // ---- lookup

    /**
     * The type spelled {@code spec}: {@code struct NAME}, {@code union NAME},
     * {@code enum NAME}, a typedef or base type name ({@code "unsigned long"} and GCC's
     * {@code "long unsigned int"} alike), {@code void}, each optionally followed by
     * {@code *}s for pointer types the BTF holds.
     */
    public Optional<BtfType> find(String spec) {
        var base = spec.strip().replaceAll("\\s+", " ");
        int stars = 0;
        while (base.endsWith("*")) {
            stars++;
            base = base.substring(0, base.length() - 1).strip();
        }
        var s = base;
        Optional<BtfType> t;
        if (s.startsWith("struct ")) t = named(s.substring(7), BtfKind.STRUCT);
        else if (s.startsWith("union ")) t = named(s.substring(6), BtfKind.UNION);
        else if (s.startsWith("enum ")) t = named(s.substring(5), BtfKind.ENUM).or(() -> named(s.substring(5), BtfKind.ENUM64));
        else if (s.equals("void")) t = Optional.of(btf.type(0));
        else t = named(s, BtfKind.TYPEDEF).or(() -> named(s, BtfKind.INT)).or(() -> named(s, BtfKind.FLOAT))
                    .or(() -> Optional.ofNullable(GCC_SPELLING.get(s)).flatMap(g -> named(g, BtfKind.INT)));
        for (int i = 0; i < stars && t.isPresent(); i++) t = pointerTo(t.get());
        return t;
    }

    /** As {@link #find}, failing with the name asked for when the kernel lacks the type. */
    public BtfType type(String spec) {
        return find(spec).orElseThrow(() -> new UnknownTypeException("no type '" + spec + "' in " + btf.name()));
    }

    public BtfType.Struct struct(String name) {
        return (BtfType.Struct) named(name, BtfKind.STRUCT)
                .orElseThrow(() -> new UnknownTypeException("no struct " + name + " in " + btf.name()));
    }

    public BtfType.Union union(String name) {
        return (BtfType.Union) named(name, BtfKind.UNION)
                .orElseThrow(() -> new UnknownTypeException("no union " + name + " in " + btf.name()));
    }

    public BtfType.Typedef typedef(String name) {
        return (BtfType.Typedef) named(name, BtfKind.TYPEDEF)
                .orElseThrow(() -> new UnknownTypeException("no typedef " + name + " in " + btf.name()));
    }

    public BtfType.Enum enumType(String name) {
        return (BtfType.Enum) named(name, BtfKind.ENUM).or(() -> named(name, BtfKind.ENUM64))
                .orElseThrow(() -> new UnknownTypeException("no enum " + name + " in " + btf.name()));
    }

    private Optional<BtfType> named(String name, BtfKind kind) {
        return btf.named(name, kind);
    }

    /** The BTF's pointer type to {@code target}, when the kernel uses one (BTF holds only types in use). */
    public Optional<BtfType> pointerTo(BtfType target) {
        var map = pointers;
        if (map == null) {
            map = new HashMap<>();
            for (int id = 1; id < btf.typeCount(); id++)
                if (btf.kind(id) == BtfKind.PTR && btf.type(id) instanceof BtfType.Ptr p) map.putIfAbsent(p.target(), id);
            pointers = map;
        }
        return Optional.ofNullable(map.get(target.id())).map(btf::type);
    }

    // ---- layout

    /** The type with typedefs, qualifiers and type tags stripped. */
    public BtfType resolve(BtfType t) {
        while (true) {
            switch (t) {
                case BtfType.Typedef x -> t = btf.type(x.target());
                case BtfType.Const x -> t = btf.type(x.target());
                case BtfType.Volatile x -> t = btf.type(x.target());
                case BtfType.Restrict x -> t = btf.type(x.target());
                case BtfType.TypeTag x -> t = btf.type(x.target());
                default -> {
                    return t;
                }
            }
        }
    }

    /** sizeof in bytes; fails for void, functions and incomplete (forward-declared) types. */
    public long sizeof(BtfType t) {
        return switch (resolve(t)) {
            case BtfType.Int i -> i.size();
            case BtfType.Float f -> f.size();
            case BtfType.Enum e -> e.size();
            case BtfType.Composite c -> c.size();
            case BtfType.DataSec d -> d.size();
            case BtfType.Ptr p -> POINTER_SIZE;
            case BtfType.Array a -> {
                try {
                    yield Math.multiplyExact(a.count(), sizeof(btf.type(a.element())));
                } catch (ArithmeticException e) {
                    throw new TypeMismatchException("size of " + name(a) + " overflows 64 bits");
                }
            }
            case BtfType.Var v -> sizeof(btf.type(v.type()));
            case BtfType r -> throw new TypeMismatchException(name(r) + " has no size (" + r.kind() + ")");
        };
    }

    public long sizeof(String spec) {
        return sizeof(type(spec));
    }

    /**
     * Where the member at {@code path} lies in {@code type} (a struct or union, or a typedef
     * of one): names separated by dots, members of anonymous structs and unions found as if
     * they were direct members (as C does), array elements as {@code name[i]}.
     */
    public MemberLocation member(BtfType type, String path) {
        return findMember(type, path).orElseThrow(() ->
                new UnknownTypeException(name(type) + " has no member '" + path + "' in " + btf.name()));
    }

    /** As {@link #member}, empty when a member along the path does not exist (a feature check). */
    public Optional<MemberLocation> findMember(BtfType type, String path) {
        BtfType cur = type;
        long bit = 0;
        int bitSize = 0;
        for (var step : MemberPath.parse(path)) {
            if (bitSize != 0) throw new TypeMismatchException("bitfield " + path + " of " + name(type) + " has no members or elements");
            switch (step) {
                case MemberPath.Name n -> {
                    var r = resolve(cur);
                    if (!(r instanceof BtfType.Composite c))
                        throw new TypeMismatchException("'" + n.name() + "' in '" + path + "': " + name(cur) + " is not a struct or union");
                    var loc = lookup(c, n.name(), bit);
                    if (loc == null) return Optional.empty();
                    cur = loc.type();
                    bit = loc.bitOffset();
                    bitSize = loc.bitSize();
                }
                case MemberPath.Index ix -> {
                    if (!(resolve(cur) instanceof BtfType.Array a))
                        throw new TypeMismatchException("[" + ix.index() + "] in '" + path + "': " + name(cur) + " is not an array");
                    checkIndex(a, ix.index(), path);
                    cur = btf.type(a.element());
                    bit += ix.index() * sizeof(cur) * 8;
                }
            }
        }
        return Optional.of(new MemberLocation(path, cur, bit, bitSize));
    }

    /** Whether {@code type} has the member {@code path}: the feature check helpers use across kernel versions. */
    public boolean hasMember(BtfType type, String path) {
        return findMember(type, path).isPresent();
    }

    public boolean hasMember(String typeSpec, String path) {
        return find(typeSpec).flatMap(t -> findMember(t, path)).isPresent();
    }

    /** offsetof in bytes; for a bitfield, the byte holding its first bit. */
    public long offsetOf(BtfType type, String path) {
        return member(type, path).byteOffset();
    }

    public long offsetOf(String typeSpec, String path) {
        return offsetOf(type(typeSpec), path);
    }

    void checkIndex(BtfType.Array a, long index, String what) {
        if (index < 0 || (a.count() != 0 && index >= a.count()))
            throw new TypeMismatchException("index " + index + " is outside " + what + " (" + name(a) + ", " + a.count() + " elements)");
    }

    /** Depth-first through anonymous members, in declaration order; null when absent. */
    private MemberLocation lookup(BtfType.Composite c, String name, long base) {
        for (var m : c.members()) {
            if (m.name().equals(name)) return locate(c, m, base);
            if (m.name().isEmpty() && resolve(btf.type(m.type())) instanceof BtfType.Composite inner) {
                var found = lookup(inner, name, base + m.bitOffset());
                if (found != null) return found;
            }
        }
        return null;
    }

    /** Bitfields: kind_flag BTF puts the width in the member; older BTF in the member's INT type. */
    private MemberLocation locate(BtfType.Composite c, BtfType.Member m, long base) {
        var t = btf.type(m.type());
        if (c.bitfieldOffsets() || m.bitfieldSize() != 0)
            return new MemberLocation(m.name(), t, base + m.bitOffset(), m.bitfieldSize());
        if (t instanceof BtfType.Int i && (i.bitOffset() != 0 || i.bits() != i.size() * 8))
            return new MemberLocation(m.name(), t, base + m.bitOffset() + i.bitOffset(), i.bits());
        return new MemberLocation(m.name(), t, base + m.bitOffset(), 0);
    }

    // ---- enumerators and variables

    /** The value of enumerator {@code enumerator} of {@code enum enumName} (e.g. pid_type, PIDTYPE_TGID). */
    public long enumValue(String enumName, String enumerator) {
        var e = enumType(enumName);
        for (var v : e.values()) if (v.name().equals(enumerator)) return v.value();
        throw new UnknownTypeException("enum " + enumName + " has no enumerator " + enumerator + " in " + btf.name());
    }

    /** An enumerator of any enum, by name alone (drgn's {@code prog.constant}). */
    public OptionalLong constant(String enumerator) {
        var map = constants;
        if (map == null) {
            map = new HashMap<>();
            for (int id = 1; id < btf.typeCount(); id++) {
                var kind = btf.kind(id);
                if ((kind == BtfKind.ENUM || kind == BtfKind.ENUM64) && btf.type(id) instanceof BtfType.Enum e)
                    for (var v : e.values()) map.putIfAbsent(v.name(), v.value());
            }
            constants = map;
        }
        var v = map.get(enumerator);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /** The enumerator of {@code enumType} whose value is {@code value} (compared at the enum's width). */
    public Optional<String> enumeratorName(BtfType enumType, long value) {
        if (!(resolve(enumType) instanceof BtfType.Enum e)) throw new TypeMismatchException(name(enumType) + " is not an enum");
        long mask = e.size() >= 8 ? -1L : (1L << (e.size() * 8)) - 1;
        for (var v : e.values()) if ((v.value() & mask) == (value & mask)) return Optional.of(v.name());
        return Optional.empty();
    }

    /** A variable BTF lists in a DATASEC (per-cpu variables: section {@code .data..percpu}, offset = per-cpu address). */
    public Optional<Variable> variable(String name) {
        var map = variables;
        if (map == null) {
            map = new HashMap<>();
            for (int id = 1; id < btf.typeCount(); id++) {
                if (btf.kind(id) != BtfKind.DATASEC || !(btf.type(id) instanceof BtfType.DataSec d)) continue;
                for (var vs : d.vars())
                    if (btf.type(vs.type()) instanceof BtfType.Var v)
                        map.putIfAbsent(v.name(), new Variable(v.name(), btf.type(v.type()), d.name(), vs.offset()));
            }
            variables = map;
        }
        return Optional.ofNullable(map.get(name));
    }

    // ---- names

    /** The type's name as C (and crash) spells it: {@code "struct list_head *"}, {@code "char [16]"}. */
    public String name(BtfType t) {
        return declaration(t, "");
    }

    /**
     * A declaration of {@code declarator} with type {@code t}, as crash's {@code struct}
     * prints a member: {@code "char comm[16]"}, {@code "int (*init)(void)"},
     * {@code "const struct cred *cred"}.
     */
    public String declaration(BtfType t, String declarator) {
        return switch (t) {
            case BtfType.Ptr p -> {
                var target = btf.type(p.target());
                var inner = "*" + declarator;
                yield declaration(target, skipTags(target) instanceof BtfType.FuncProto || skipTags(target) instanceof BtfType.Array
                        ? "(" + inner + ")" : inner);
            }
            case BtfType.Array a -> declaration(btf.type(a.element()), declarator + "[" + (a.count() == 0 ? "" : a.count()) + "]");
            case BtfType.FuncProto f -> declaration(btf.type(f.returnType()), declarator + "(" + parameters(f) + ")");
            case BtfType.Func f -> declaration(btf.type(f.proto()), declarator.isEmpty() ? f.name() : declarator);
            case BtfType.Var v -> declaration(btf.type(v.type()), declarator.isEmpty() ? v.name() : declarator);
            case BtfType.Const c -> qualified("const", btf.type(c.target()), declarator);
            case BtfType.Volatile v -> qualified("volatile", btf.type(v.target()), declarator);
            case BtfType.Restrict r -> qualified("restrict", btf.type(r.target()), declarator);
            case BtfType.TypeTag tag -> declaration(btf.type(tag.target()), declarator); // __user, __rcu: not part of C's spelling
            default -> declarator.isEmpty() ? baseName(t) : baseName(t) + " " + declarator;
        };
    }

    private BtfType skipTags(BtfType t) {
        while (t instanceof BtfType.TypeTag tag) t = btf.type(tag.target());
        return t;
    }

    /** A qualifier binds to the pointer after it ({@code char *const p}) or leads the base type ({@code const char *p}). */
    private String qualified(String qualifier, BtfType target, String declarator) {
        if (skipTags(target) instanceof BtfType.Ptr)
            return declaration(target, declarator.isEmpty() ? qualifier : qualifier + " " + declarator);
        return qualifier + " " + declaration(target, declarator);
    }

    private String parameters(BtfType.FuncProto f) {
        if (f.params().isEmpty()) return f.variadic() ? "..." : "void";
        var out = new ArrayList<String>();
        for (var p : f.params()) out.add(name(btf.type(p.type())));
        if (f.variadic()) out.add("...");
        return String.join(", ", out);
    }

    private String baseName(BtfType t) {
        return switch (t) {
            case BtfType.Struct s -> "struct " + (s.name().isEmpty() ? "{...}" : s.name());
            case BtfType.Union u -> "union " + (u.name().isEmpty() ? "{...}" : u.name());
            case BtfType.Enum e -> "enum " + (e.name().isEmpty() ? "{...}" : e.name());
            case BtfType.Fwd f -> (f.union() ? "union " : "struct ") + f.name();
            case BtfType.Int i -> C_SPELLING.getOrDefault(i.name(), i.name());
            case BtfType.Void v -> "void";
            default -> t.name();
        };
    }

    private static Map<String, String> invert(Map<String, String> m) {
        var out = new HashMap<String, String>();
        m.forEach((k, v) -> out.put(v, k));
        return Map.copyOf(out);
    }
}
