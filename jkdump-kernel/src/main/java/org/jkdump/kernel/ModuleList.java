package org.jkdump.kernel;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * The {@code struct list_head} nodes of the kernel's {@code modules} list (kernel/module/main.c),
 * in list order, read once and checked: every next pointer non-NULL, no node twice (a corrupt
 * list that loops back to one of its own modules instead of the head), at most
 * {@link #MAX_MODULES}. The readers of modules (their symbols, their ORC tables, {@code mod})
 * walk this list instead of following next pointers themselves, so that a loop fails here,
 * with the node named, and not as a module read again and again until the heap is full.
 */
public final class ModuleList {
    /** More modules than any kernel loads. */
    public static final int MAX_MODULES = 65536;

    private ModuleList() {
    }

    /**
     * The list_head addresses of the modules on the list headed at {@code head}; {@code dump}
     * names the file in messages (null: the caller's caller names it).
     */
    public static List<Long> nodes(KernelMemory memory, long head, String dump) {
        String in = dump == null ? "" : dump + ": ";
        var nodes = new ArrayList<Long>();
        var seen = new HashSet<Long>();
        long p = memory.u64(head);
        while (p != head) {
            if (p == 0)
                throw new KernelDataException(String.format("%sthe module list at 0x%x is corrupt: entry %d has a NULL next pointer",
                        in, head, nodes.size()));
            if (!seen.add(p))
                throw new KernelDataException(String.format("%sthe module list at 0x%x is corrupt: it loops back to 0x%x after %d modules "
                        + "without reaching its head", in, head, p, nodes.size()));
            if (nodes.size() >= MAX_MODULES)
                throw new KernelDataException(String.format("%sthe module list at 0x%x has more than %d entries: corrupt",
                        in, head, MAX_MODULES));
            nodes.add(p);
            p = memory.u64(p);
        }
        return nodes;
    }
}
