package org.jkdump.kernel.btf;

import java.util.ArrayList;
import java.util.List;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.KList;
import org.jkdump.kernel.KObject;
import org.jkdump.kernel.KernelMemory;
import org.jkdump.kernel.Types;

/**
 * A loaded module's BTF, read from the dump: split BTF over the kernel's own, as the kernel
 * keeps it on its {@code btf_modules} list (kernel/bpf/btf.c, CONFIG_DEBUG_INFO_BTF_MODULES).
 * The module's own copy ({@code struct module.btf_data}) is freed once the module is loaded,
 * so the kernel's parsed {@code struct btf} (its {@code data}, {@code data_size},
 * {@code start_id}, {@code start_str_off}) is the source that survives in a dump.
 *
 * @param module  the module's name
 * @param address the {@code struct module} it belongs to
 * @param btf     its types, ids continuing after the base's
 */
public record ModuleBtf(String module, long address, Btf btf) {

    /** The modules' BTF that could be read, and one line per module whose BTF could not. */
    public record All(List<ModuleBtf> modules, List<String> problems) {
        public All {
            modules = List.copyOf(modules);
            problems = List.copyOf(problems);
        }
    }

    /**
     * Reads every module's BTF from the {@code btf_modules} list at {@code btfModules} (the
     * symbol's address), each checked against {@code vmlinux} (the base it was split from).
     * A kernel without module BTF (no {@code struct btf_module} in its types) has none. A
     * module whose BTF cannot be read is reported in {@link All#problems}, not fatal: the
     * other modules' and the kernel's types stay usable.
     */
    public static All read(Types vmlinux, KernelMemory memory, long btfModules) {
        var base = vmlinux.btf();
        if (vmlinux.find("struct btf_module").isEmpty() || !vmlinux.hasMember("struct btf", "start_id"))
            return new All(List.of(), List.of());
        var head = KObject.at(vmlinux, memory, vmlinux.type("struct list_head"), btfModules, "btf_modules");
        var loaded = new ArrayList<ModuleBtf>();
        var problems = new ArrayList<String>();
        try {
            KList.entries(head, "struct btf_module", "list").forEach(entry -> readOne(entry, base, memory, loaded, problems));
        } catch (JkdumpException e) {
            problems.add("btf_modules list: " + e.getMessage()); // the modules read before the damage stay
        }
        return new All(loaded, problems);
    }

    private static void readOne(KObject entry, Btf base, KernelMemory memory, List<ModuleBtf> loaded, List<String> problems) {
        String name = "?";
        try {
            var mod = entry.member("module");
            name = mod.member("name").asString();
            var btf = entry.member("btf");
            long startId = btf.member("start_id").asUnsigned(), startStr = btf.member("start_str_off").asUnsigned();
            if (startId != base.typeCount() || startStr != base.header().stringLength())
                throw new JkdumpException(String.format("its BTF continues after type %d and string offset %d, but the kernel's BTF "
                    + "ends at %d and %d: not split from this kernel's BTF", startId, startStr, base.typeCount(), base.header().stringLength()));
            long data = btf.member("data").asUnsigned(), size = btf.member("data_size").asUnsigned();
            if (size > Btf.MAX_BLOB) throw new JkdumpException("its BTF is " + size + " bytes, more than " + Btf.MAX_BLOB);
            var blob = String.format("BTF of module %s in kernel memory [0x%016x, 0x%016x)", name, data, data + size);
            byte[] bytes;
            try {
                bytes = memory.read(data, (int) size);
            } catch (JkdumpException e) {
                throw new JkdumpException(blob + ": cannot read: " + e.getMessage(), e);
            }
            loaded.add(new ModuleBtf(name, mod.asUnsigned(), Btf.parseSplit(blob, bytes, base)));
        } catch (JkdumpException e) {
            problems.add("module " + name + ": " + e.getMessage());
        }
    }
}
