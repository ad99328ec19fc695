package org.jkdump.kernel.helpers;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.KObject;
import org.jkdump.kernel.Kernel;
import org.jkdump.kernel.VirtualMemoryException;

/**
 * The SLUB caches as crash's {@code kmem -s} summarises them: every {@code struct kmem_cache}
 * on {@code slab_caches}, its object size, slab size ({@code PAGE_SIZE << order} from
 * {@code oo}), slabs and objects from each node's counters ({@code nr_slabs},
 * {@code total_objects}, kept with CONFIG_SLUB_DEBUG), and the objects in use: the total less
 * the free ones — free slots of the node partial slabs and of each CPU's partial slabs
 * ({@code objects - inuse}), plus each CPU slab's own free slots and its lockless freelist,
 * whose links are decoded when CONFIG_SLAB_FREELIST_HARDENED mangles them
 * ({@code ptr ^ s->random ^ swab(&ptr)}).
 */
public final class Slabs {
    // include/linux/slub_def.h: struct kmem_cache_order_objects packs order << 16 | objects
    private static final int OO_SHIFT = 16;
    private static final int MAX_CACHES = 100_000;
    private static final int MAX_SLABS_ON_LIST = 10_000_000;
    /** The name of a cache whose name string the dump lacks, as crash prints it. */
    public static final String UNKNOWN_NAME = "(unknown)";

    private Slabs() {
    }

    /**
     * One cache.
     *
     * @param allocated objects in use, when every slab could be read; -1 when a struct slab was missing
     * @param freelistBreaks the CPU freelists that ended early, their counts taken up to there
     */
    public record Cache(long address, String name, long objectSize, long slabSize, long allocated, long total, long slabs,
                        List<FreelistBreak> freelistBreaks) {
    }

    /**
     * A CPU slab's freelist cut short: the link in the free object at {@code slot} could not
     * be read (its page is not in the dump), or it led back to an object already on the list.
     *
     * @param slab the struct slab of the CPU slab
     */
    public record FreelistBreak(long slab, long slot, boolean duplicate) {
    }

    public static List<Cache> all(Kernel k) {
        var types = k.types();
        if (!types.hasMember("struct kmem_cache", "cpu_slab") || !types.hasMember("struct kmem_cache_node", "nr_slabs"))
            throw new JkdumpException("kmem -s reads SLUB with CONFIG_SLUB_DEBUG (struct kmem_cache.cpu_slab, kmem_cache_node.nr_slabs); this kernel has another allocator or layout");
        long head = Access.symbol(k, "slab_caches");
        long listOff = types.offsetOf("struct kmem_cache", "list");
        long[] offsets = Cpus.perCpuOffsets(k);
        // kmem_cache is allocated with node[nr_node_ids] only: the rest of node[MAX_NUMNODES] is not its memory
        int nodes = Access.hasSymbol(k, "nr_node_ids") ? (int) k.memory().u32(Access.symbol(k, "nr_node_ids")) : 1;
        int pageSize = k.memory().physical().pageSize();
        var out = new ArrayList<Cache>();
        long p = k.memory().u64(head);
        while (p != head) {
            if (p == 0 || out.size() >= MAX_CACHES) throw new JkdumpException("slab_caches list is corrupt at entry " + out.size());
            out.add(read(k, p - listOff, offsets, pageSize, nodes));
            p = k.memory().u64(p);
        }
        return out;
    }

    private static Cache read(Kernel k, long address, long[] cpuOffsets, int pageSize, int nodeCount) {
        var s = Access.object(k, "struct kmem_cache", address);
        String name;
        try {
            name = k.memory().cString(s.member("name").asUnsigned(), 256);
        } catch (VirtualMemoryException e) {
            // the name's page is not in the dump (makedumpfile drops slab pages it takes for free ones): crash's placeholder
            name = UNKNOWN_NAME;
        }
        long objectSize = s.member("object_size").asUnsigned();
        long order = s.member("oo.x").asUnsigned() >>> OO_SHIFT;
        long slabSize = (long) pageSize << order;
        long slabs = 0, total = 0, free = 0;
        boolean complete = true;
        var nodes = s.member("node");
        for (int n = 0; n < Math.min(nodeCount, nodes.length()); n++) {
            long node = nodes.index(n).asUnsigned();
            if (node == 0) continue;
            var kn = Access.object(k, "struct kmem_cache_node", node);
            slabs += kn.member("nr_slabs.counter").asLong();
            total += kn.member("total_objects.counter").asLong();
            try {
                free += partialFree(k, kn);
            } catch (JkdumpException e) {
                complete = false;
            }
        }
        boolean hardened = s.hasMember("random");
        long random = hardened ? s.member("random").asUnsigned() : 0;
        long fpOffset = s.member("offset").asUnsigned();
        long cpuSlab = s.member("cpu_slab").asUnsigned();
        var breaks = new ArrayList<FreelistBreak>();
        for (long off : cpuOffsets) {
            try {
                var c = Access.object(k, "struct kmem_cache_cpu", cpuSlab + off);
                long slab = c.member("slab").asUnsigned();
                // a CPU's partial slabs are counted with its CPU slab, as crash's count_cpu_partial() is
                if (slab == 0) continue;
                var sl = Access.object(k, "struct slab", slab);
                long objects = sl.member("objects").asUnsigned();
                free += objects - sl.member("inuse").asUnsigned();
                free += chain(k, slab, c.member("freelist").asUnsigned(), fpOffset, hardened, random, breaks);
                if (c.hasMember("partial")) {
                    var seen = new HashSet<Long>();
                    for (long ps = c.member("partial").asUnsigned(); ps != 0; ) {
                        if (!seen.add(ps) || seen.size() > MAX_SLABS_ON_LIST) throw new JkdumpException("per-cpu partial list of " + name + " loops");
                        var psl = Access.object(k, "struct slab", ps);
                        free += psl.member("objects").asUnsigned() - psl.member("inuse").asUnsigned();
                        ps = psl.member("next").asUnsigned();
                    }
                }
            } catch (JkdumpException e) {
                complete = false;
            }
        }
        return new Cache(address, name, objectSize, slabSize, complete ? total - free : -1, total, slabs, List.copyOf(breaks));
    }

    /** Free slots on a node's partial list: objects - inuse of each slab. */
    private static long partialFree(Kernel k, KObject node) {
        long head = node.member("partial").address();
        long linkOff = k.types().offsetOf("struct slab", "slab_list");
        long free = 0;
        int n = 0;
        for (long p = k.memory().u64(head); p != head; p = k.memory().u64(p)) {
            if (p == 0 || ++n > MAX_SLABS_ON_LIST) throw new JkdumpException(String.format("partial list at 0x%x is corrupt", head));
            var sl = Access.object(k, "struct slab", p - linkOff);
            free += sl.member("objects").asUnsigned() - sl.member("inuse").asUnsigned();
        }
        return free;
    }

    /**
     * Length of a CPU slab's lockless freelist: each free object holds the next one's address
     * at {@code fpOffset}. CONFIG_SLAB_FREELIST_HARDENED stores it as {@code ptr ^ s->random ^
     * swab(&slot)} from 5.7 and as {@code ptr ^ s->random ^ &slot} in 4.14 to 5.6; the second
     * reading is taken when the first leads nowhere readable. A link that cannot be read ends the
     * count there, the object holding it counted, as crash's count_free_objects() does; so does
     * an object met twice.
     */
    private static long chain(Kernel k, long slab, long first, long fpOffset, boolean hardened, long random, List<FreelistBreak> breaks) {
        var seen = new HashSet<Long>();
        long n = 0;
        // bit 0 marks no object (PAGE_MAPPING_ANON in crash's check)
        for (long obj = first; obj != 0 && (obj & 1) == 0; n++) {
            if (!seen.add(obj)) {
                breaks.add(new FreelistBreak(slab, obj, true));
                break;
            }
            if (seen.size() > MAX_SLABS_ON_LIST) throw new JkdumpException(String.format("the freelist from 0x%x does not end", first));
            long at = obj + fpOffset;
            long stored;
            try {
                stored = k.memory().u64(at);
            } catch (VirtualMemoryException e) {
                breaks.add(new FreelistBreak(slab, at, false));
                return n + 1;
            }
            if (!hardened) {
                obj = stored;
            } else {
                obj = stored ^ random ^ Long.reverseBytes(at);
                if (obj != 0 && !readable(k, obj)) obj = stored ^ random ^ at;
            }
        }
        return n;
    }

    private static boolean readable(Kernel k, long address) {
        try {
            k.memory().u64(address);
            return true;
        } catch (VirtualMemoryException e) {
            return false;
        }
    }
}
