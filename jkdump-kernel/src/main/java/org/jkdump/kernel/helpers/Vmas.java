package org.jkdump.kernel.helpers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.KObject;
import org.jkdump.kernel.Kernel;
import org.jkdump.kernel.MissingVirtualPageException;

/**
 * A process's memory areas (struct vm_area_struct): from 6.1 in the mm's maple tree
 * ({@code mm_struct.mm_mt}), before that on the {@code mm_struct.mmap} list through
 * {@code vm_next}. Each with its start, end, flags and the path of the file it maps.
 */
public final class Vmas {
    // lib/maple_tree.c / include/linux/maple_tree.h: a root that is a node has low bits 10
    // (xa_is_node) and points above the first page; every slot of an inner node is a node.
    // An encoded node keeps its type in bits 3..6, the node itself is 256-aligned.
    private static final long MAPLE_NODE_MASK = 255, MAPLE_NODE_TYPE_SHIFT = 3, MAPLE_NODE_TYPE_MASK = 0x0f;
    private static final int MAX_VMAS = 1 << 20;
    private static final int MAX_TREE_DEPTH = 64;

    private Vmas() {
    }

    /** One memory area; {@code file} is the mapped file's path, empty for anonymous memory. */
    public record Vma(long address, long start, long end, long flags, String file) {
    }

    /**
     * The areas of {@code mm} in address order, as far as the dump holds them: the walk stops
     * at the first tree node, area or file name whose page is missing, and {@code cut} says
     * what could not be read (crash prints the areas before that and then fails the same way).
     */
    public record Areas(List<Vma> vmas, Optional<String> cut) {
    }

    /** Every area of {@code mm}; fails when the dump lacks any of them. */
    public static List<Vma> of(Kernel k, long mm) {
        return read(k, mm, true).vmas();
    }

    public static Areas read(Kernel k, long mm) {
        return read(k, mm, false);
    }

    private static Areas read(Kernel k, long mm, boolean strict) {
        var m = Access.object(k, "struct mm_struct", mm);
        var addresses = new ArrayList<Long>();
        Optional<String> cut = Optional.empty();
        try {
            if (m.hasMember("mm_mt")) mapleEntries(k, m.member("mm_mt"), addresses);
            else listEntries(k, m, addresses);
        } catch (JkdumpException e) {
            if (strict || !missing(e)) throw e;
            cut = Optional.of(e.getMessage());
        }
        var out = new ArrayList<Vma>();
        for (long a : addresses) {
            try {
                var v = Access.object(k, "struct vm_area_struct", a);
                if (v.member("vm_mm").asUnsigned() != mm) continue;  // a stale slot, not this mm's area
                long file = v.member("vm_file").asUnsigned();
                var path = file == 0 ? "" : DentryPath.of(k, Access.object(k, "struct file", file).member("f_path"));
                out.add(new Vma(a, v.member("vm_start").asUnsigned(), v.member("vm_end").asUnsigned(), v.member("vm_flags").asUnsigned(), path));
            } catch (JkdumpException e) {
                if (strict || !missing(e)) throw e;
                cut = Optional.of(e.getMessage());
                break;
            }
        }
        out.sort(Comparator.comparing(Vma::start, Long::compareUnsigned));
        return new Areas(List.copyOf(out), cut);
    }

    /** The read failed on a page the dump does not hold (filtered out), not on bad data. */
    static boolean missing(JkdumpException e) {
        return e instanceof MissingVirtualPageException || e.getCause() instanceof MissingVirtualPageException;
    }

    private static void listEntries(Kernel k, KObject mm, List<Long> out) {
        for (long p = mm.member("mmap").asUnsigned(); p != 0; p = Access.object(k, "struct vm_area_struct", p).member("vm_next").asUnsigned()) {
            if (out.size() >= MAX_VMAS) throw new JkdumpException(String.format("mm 0x%x: more than %d areas on its mmap list (a loop?)", mm.address(), MAX_VMAS));
            out.add(p);
        }
    }

    /** Every entry of a maple tree (struct maple_tree), leaves in order; node types from BTF's enum maple_type. */
    static List<Long> mapleEntries(Kernel k, KObject tree) {
        var out = new ArrayList<Long>();
        mapleEntries(k, tree, out);
        return out;
    }

    /** Adds the tree's entries to {@code out} in order; what was added stays when a node cannot be read. */
    private static void mapleEntries(Kernel k, KObject tree, List<Long> out) {
        var types = k.types();
        long leaf64 = types.constant("maple_leaf_64").orElseThrow(() -> new JkdumpException("enum maple_type has no maple_leaf_64"));
        long range64 = types.constant("maple_range_64").orElseThrow(() -> new JkdumpException("enum maple_type has no maple_range_64"));
        long arange64 = types.constant("maple_arange_64").orElseThrow(() -> new JkdumpException("enum maple_type has no maple_arange_64"));
        long root = tree.member("ma_root").asUnsigned();
        if (root == 0) return;
        if (!isNode(root)) {
            if ((root & 3) == 0) out.add(root);  // a single entry at index 0; values and internal entries are not areas
            return;
        }
        walk(k, root, leaf64, range64, arange64, 0, out, new HashSet<>());
    }

    private static void walk(Kernel k, long entry, long leaf64, long range64, long arange64, int depth, List<Long> out, HashSet<Long> seen) {
        if (entry == 0) return;
        if (depth > MAX_TREE_DEPTH) throw new JkdumpException(String.format("maple tree deeper than %d at node entry 0x%x", MAX_TREE_DEPTH, entry));
        long node = entry & ~MAPLE_NODE_MASK;
        if (!seen.add(node)) throw new JkdumpException(String.format("maple tree node 0x%x is reached twice", node));
        long type = (entry >>> MAPLE_NODE_TYPE_SHIFT) & MAPLE_NODE_TYPE_MASK;
        String member;
        if (type == leaf64 || type == range64) member = "mr64";
        else if (type == arange64) member = "ma64";
        else throw new JkdumpException(String.format("maple tree node entry 0x%x has type %d, not a 64-bit range node", entry, type));
        var n = Access.object(k, "struct maple_node", node).member(member);
        var slots = n.member("slot");
        var pivots = n.member("pivot");
        long count = slots.length();
        for (int i = 0; i < count; i++) {
            long slot = slots.index(i).asUnsigned();
            if (type == leaf64) {
                if (slot != 0 && (slot & 3) == 0) out.add(slot);
            } else {
                walk(k, slot, leaf64, range64, arange64, depth + 1, out, seen);
            }
            // a pivot of 0 after the first slot ends the node's data (the rest is unused)
            if (i < pivots.length() && i > 0 && pivots.index(i).asUnsigned() == 0) break;
        }
        if (out.size() > MAX_VMAS) throw new JkdumpException("maple tree holds more than " + MAX_VMAS + " entries");
    }

    private static boolean isNode(long entry) {
        return (entry & 3) == 2 && Long.compareUnsigned(entry, 4096) > 0;
    }
}
