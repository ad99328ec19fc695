package org.jkdump.kernel.btf;

/**
 * Proves that walks over a blob's type references end. Two walks exist: one follows a
 * value's layout (typedef, qualifiers, array elements, struct members; never through a
 * pointer) and one spells a type's name (pointers, arrays, qualifiers, function
 * prototypes; never into a struct or through a typedef, which are printed by name). In
 * valid C both reference graphs are acyclic, because only a pointer to a named type can
 * close a loop; a blob with a cycle in either is rejected, naming the cycle. Each type's
 * depth (longest path below it) is recorded and bounded by {@link Btf#MAX_DEPTH}, so
 * recursive walks cannot overflow the stack. Iterative depth-first search, linear time.
 */
final class BtfGraphCheck {
    private static final int T_TYPE = Btf.T_SIZE_OR_TYPE, EXTRA = Btf.TYPE_HEADER;

    private final Btf btf;
    private final BtfBytes in;
    private final boolean valueGraph;

    private BtfGraphCheck(Btf btf, boolean valueGraph) {
        this.btf = btf;
        this.in = btf.bytes();
        this.valueGraph = valueGraph;
    }

    static void run(Btf btf) {
        new BtfGraphCheck(btf, true).check();
        new BtfGraphCheck(btf, false).check();
    }

    private int edgeCount(int local) {
        var kind = btf.kindAt(local);
        int vlen = btf.vlenAt(local);
        return switch (kind) {
            case PTR -> valueGraph ? 0 : 1;
            case TYPEDEF, DECL_TAG -> valueGraph ? 1 : 0;
            case VOLATILE, CONST, RESTRICT, TYPE_TAG, FUNC, VAR, ARRAY -> 1;
            case STRUCT, UNION, DATASEC -> valueGraph ? vlen : 0;
            case FUNC_PROTO -> 1 + vlen;
            case INT, ENUM, ENUM64, FWD, FLOAT, VOID -> 0;
        };
    }

    private int edge(int local, int i) {
        int pos = btf.offsetOf(local);
        return switch (btf.kindAt(local)) {
            case ARRAY -> in.i32(pos + EXTRA);
            case STRUCT, UNION -> in.i32(pos + EXTRA + i * 12 + 4);
            case DATASEC -> in.i32(pos + EXTRA + i * 12);
            case FUNC_PROTO -> i == 0 ? in.i32(pos + T_TYPE) : in.i32(pos + EXTRA + (i - 1) * 8 + 4);
            default -> in.i32(pos + T_TYPE);
        };
    }

    private void check() {
        int n = btf.localCount(), first = btf.firstId();
        byte[] state = new byte[n]; // 0 unvisited, 1 on the stack, 2 done
        int[] stack = new int[n], next = new int[n];
        for (int root = 0; root < n; root++) {
            if (state[root] != 0) continue;
            int sp = 0;
            stack[sp] = root;
            next[sp++] = 0;
            state[root] = 1;
            while (sp > 0) {
                int top = stack[sp - 1];
                if (next[sp - 1] < edgeCount(top)) {
                    int child = edge(top, next[sp - 1]++);
                    if (child < first) { // void or a base type: the base was checked when it was parsed
                        raise(top, btf.depth(child, valueGraph) + 1);
                        continue;
                    }
                    int c = child - first;
                    if (state[c] == 1) throw cycle(stack, sp, c);
                    if (state[c] == 2) {
                        raise(top, btf.depth(child, valueGraph) + 1);
                        continue;
                    }
                    state[c] = 1;
                    stack[sp] = c;
                    next[sp++] = 0;
                } else {
                    state[top] = 2;
                    sp--;
                    if (sp > 0) raise(stack[sp - 1], btf.depth(first + top, valueGraph) + 1);
                }
            }
        }
    }

    private void raise(int local, int depth) {
        if (depth > Btf.MAX_DEPTH)
            throw in.malformed(btf.offsetOf(local), "type [%d] %s: references nest more than %d levels deep",
                    btf.firstId() + local, btf.kindAt(local), Btf.MAX_DEPTH);
        if (depth > btf.depth(btf.firstId() + local, valueGraph)) btf.setDepth(local, valueGraph, (short) depth);
    }

    private MalformedBtfException cycle(int[] stack, int sp, int c) {
        int from = sp - 1;
        while (stack[from] != c) from--;
        var path = new StringBuilder();
        for (int k = from; k < sp; k++) path.append(describe(stack[k])).append(" -> ");
        path.append('[').append(btf.firstId() + c).append(']');
        return in.malformed(btf.offsetOf(c), "type reference cycle: %s", path);
    }

    private String describe(int local) {
        long nameOff = in.u32(btf.offsetOf(local) + Btf.T_NAME_OFF);
        String name = btf.string(nameOff);
        return "[" + (btf.firstId() + local) + "] " + btf.kindAt(local) + (name.isEmpty() ? "" : " '" + name + "'");
    }
}
