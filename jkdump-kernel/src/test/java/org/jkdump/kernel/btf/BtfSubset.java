package org.jkdump.kernel.btf;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Cuts a self-contained piece out of a real BTF blob: the given types and everything they
 * reference (through pointers too), renumbered in their original order and written again
 * with {@link BtfBuilder}. Used to make small real seeds for the fuzz test and to check
 * that what the decoder reads is everything the format holds (a re-encoded subset must
 * describe the same layouts).
 */
final class BtfSubset {
    private BtfSubset() {
    }

    static byte[] of(Btf btf, List<Integer> roots) {
        var keep = new TreeSet<Integer>();
        var work = new ArrayDeque<Integer>(roots);
        while (!work.isEmpty()) {
            int id = work.pop();
            if (id == 0 || !keep.add(id)) continue;
            work.addAll(references(btf.type(id)));
        }
        var map = new HashMap<Integer, Integer>();
        map.put(0, 0);
        int next = 1;
        for (int id : keep) map.put(id, next++);
        var b = new BtfBuilder();
        for (int id : keep) emit(b, btf.type(id), map);
        return b.build();
    }

    private static List<Integer> references(BtfType t) {
        var out = new ArrayList<Integer>();
        switch (t) {
            case BtfType.Ptr p -> out.add(p.target());
            case BtfType.Array a -> { out.add(a.element()); out.add(a.indexType()); }
            case BtfType.Composite c -> c.members().forEach(m -> out.add(m.type()));
            case BtfType.Typedef x -> out.add(x.target());
            case BtfType.Const x -> out.add(x.target());
            case BtfType.Volatile x -> out.add(x.target());
            case BtfType.Restrict x -> out.add(x.target());
            case BtfType.TypeTag x -> out.add(x.target());
            case BtfType.Func f -> out.add(f.proto());
            case BtfType.FuncProto f -> { out.add(f.returnType()); f.params().forEach(p -> out.add(p.type())); }
            case BtfType.Var v -> out.add(v.type());
            case BtfType.DataSec d -> d.vars().forEach(v -> out.add(v.type()));
            case BtfType.DeclTag d -> out.add(d.target());
            default -> { }
        }
        return out;
    }

    private static void emit(BtfBuilder b, BtfType t, Map<Integer, Integer> map) {
        switch (t) {
            case BtfType.Int i -> b.add(BtfKind.INT, i.name(), 0, false, i.size(),
                    ((i.signed() ? 1 : 0) | (i.isChar() ? 2 : 0) | (i.isBool() ? 4 : 0)) << 24 | i.bitOffset() << 16 | i.bits());
            case BtfType.Ptr p -> b.ptr(map.get(p.target()));
            case BtfType.Array a -> b.add(BtfKind.ARRAY, "", 0, false, 0, map.get(a.element()), map.get(a.indexType()), (int) a.count());
            case BtfType.Composite c -> {
                var words = new int[c.members().size() * 3];
                for (int k = 0; k < c.members().size(); k++) {
                    var m = c.members().get(k);
                    words[3 * k] = b.str(m.name());
                    words[3 * k + 1] = map.get(m.type());
                    words[3 * k + 2] = (int) (c.bitfieldOffsets() ? (long) m.bitfieldSize() << 24 | m.bitOffset() : m.bitOffset());
                }
                b.add(c.kind(), c.name(), c.members().size(), c.bitfieldOffsets(), (int) c.size(), words);
            }
            case BtfType.Enum e -> {
                int per = e.is64() ? 3 : 2;
                var words = new int[e.values().size() * per];
                for (int k = 0; k < e.values().size(); k++) {
                    var v = e.values().get(k);
                    words[per * k] = b.str(v.name());
                    words[per * k + 1] = (int) v.value();
                    if (e.is64()) words[per * k + 2] = (int) (v.value() >>> 32);
                }
                b.add(e.kind(), e.name(), e.values().size(), e.signed(), e.size(), words);
            }
            case BtfType.Fwd f -> b.fwd(f.name(), f.union());
            case BtfType.Typedef x -> b.add(BtfKind.TYPEDEF, x.name(), 0, false, map.get(x.target()));
            case BtfType.Const x -> b.add(BtfKind.CONST, "", 0, false, map.get(x.target()));
            case BtfType.Volatile x -> b.add(BtfKind.VOLATILE, "", 0, false, map.get(x.target()));
            case BtfType.Restrict x -> b.add(BtfKind.RESTRICT, "", 0, false, map.get(x.target()));
            case BtfType.TypeTag x -> b.add(BtfKind.TYPE_TAG, x.name(), 0, false, map.get(x.target()));
            case BtfType.Func f -> b.add(BtfKind.FUNC, f.name(), f.linkage(), false, map.get(f.proto()));
            case BtfType.FuncProto f -> {
                int n = f.params().size() + (f.variadic() ? 1 : 0);
                var words = new int[n * 2];
                for (int k = 0; k < f.params().size(); k++) {
                    words[2 * k] = b.str(f.params().get(k).name());
                    words[2 * k + 1] = map.get(f.params().get(k).type());
                }
                b.add(BtfKind.FUNC_PROTO, "", n, false, map.get(f.returnType()), words);
            }
            case BtfType.Var v -> b.add(BtfKind.VAR, v.name(), 0, false, map.get(v.type()), v.linkage());
            case BtfType.DataSec d -> {
                var words = new int[d.vars().size() * 3];
                for (int k = 0; k < d.vars().size(); k++) {
                    var v = d.vars().get(k);
                    words[3 * k] = map.get(v.type());
                    words[3 * k + 1] = (int) v.offset();
                    words[3 * k + 2] = (int) v.size();
                }
                b.add(BtfKind.DATASEC, d.name(), d.vars().size(), false, (int) d.size(), words);
            }
            case BtfType.Float f -> b.floatType(f.name(), f.size());
            case BtfType.DeclTag d -> b.declTag(d.name(), map.get(d.target()), d.componentIndex());
            case BtfType.Void v -> throw new IllegalArgumentException("void is never emitted");
        }
    }
}
