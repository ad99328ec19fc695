package org.jkdump.crash;

import java.util.Map;
import java.util.Optional;
import org.jkdump.kernel.Types;
import org.jkdump.kernel.btf.BtfType;

/**
 * The types of global variables, which crash takes from the vmlinux's DWARF. A dump holds
 * none: the kernel's BTF describes only per-cpu variables. So the well-known globals are
 * declared here, each as the kernel's headers declare it (include/linux/*.h, kernel/*.c), and
 * anything else needs its type given: {@code p (struct foo)name} or
 * {@code p *(struct foo *)ADDR}.
 */
public final class GlobalTypes {
    // name -> C type, as declared in the kernel's sources (stable across the releases jkdump reads)
    private static final Map<String, String> DECLARED = Map.ofEntries(
            Map.entry("init_task", "struct task_struct"),
            Map.entry("init_uts_ns", "struct uts_namespace"),
            Map.entry("init_mm", "struct mm_struct"),
            Map.entry("init_nsproxy", "struct nsproxy"),
            Map.entry("init_user_ns", "struct user_namespace"),
            Map.entry("init_pid_ns", "struct pid_namespace"),
            Map.entry("init_ipc_ns", "struct ipc_namespace"),
            Map.entry("init_net", "struct net"),
            Map.entry("init_fs", "struct fs_struct"),
            Map.entry("init_files", "struct files_struct"),
            Map.entry("init_cred", "struct cred"),
            Map.entry("init_css_set", "struct css_set"),
            Map.entry("root_task_group", "struct task_group"),
            Map.entry("contig_page_data", "struct pglist_data"),
            Map.entry("modules", "struct list_head"),
            Map.entry("jiffies", "unsigned long"),
            Map.entry("jiffies_64", "u64"),
            Map.entry("tainted_mask", "unsigned long"),
            Map.entry("panic_cpu", "atomic_t"),
            Map.entry("nr_cpu_ids", "unsigned int"),
            Map.entry("totalram_pages", "atomic_long_t"),
            Map.entry("max_pfn", "unsigned long"),
            Map.entry("high_memory", "void *"),
            Map.entry("page_offset_base", "unsigned long"),
            Map.entry("vmalloc_base", "unsigned long"),
            Map.entry("vmemmap_base", "unsigned long"),
            Map.entry("phys_base", "unsigned long"),
            Map.entry("prb", "struct printk_ringbuffer *"),
            Map.entry("printk_rb_static", "struct printk_ringbuffer"),
            Map.entry("avenrun", "unsigned long [3]"),
            Map.entry("system_state", "enum system_states"),
            Map.entry("oops_in_progress", "int"),
            Map.entry("crashing_cpu", "int"));

    private GlobalTypes() {
    }

    /** The type of global {@code name}: a per-cpu variable's from BTF, else a declared one's. */
    public static Optional<BtfType> of(Types types, String name) {
        var spec = DECLARED.get(name);
        if (spec == null) return types.variable(name).map(Types.Variable::type);
        return resolve(types, spec);
    }

    /** Whether {@code name} is a per-cpu variable (its symbol is an offset, not an address). */
    public static boolean isPerCpu(Types types, String name) {
        return !DECLARED.containsKey(name) && types.variable(name).isPresent();
    }

    private static Optional<BtfType> resolve(Types types, String spec) {
        var m = java.util.regex.Pattern.compile("(.*?)\\s*\\[(\\d+)\\]").matcher(spec);
        if (!m.matches()) return types.find(spec);
        // an array: BTF holds the array type only if some structure uses it; find it by element and count
        var elem = types.find(m.group(1));
        if (elem.isEmpty()) return Optional.empty();
        long count = Long.parseLong(m.group(2));
        var btf = types.btf();
        for (int id = 1; id < btf.typeCount(); id++)
            if (btf.type(id) instanceof BtfType.Array a && a.count() == count && a.element() == elem.get().id()) return Optional.of(a);
        return Optional.empty();
    }
}
