package org.jkdump.kernel.helpers;

import java.util.ArrayList;
import java.util.List;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.Kernel;
import org.jkdump.kernel.ModuleList;

/**
 * The loaded modules: the {@code modules} list through {@code struct module.list}, in list
 * order (newest first). Base and size are the core part: {@code core_layout} up to 6.3,
 * {@code mem[MOD_TEXT..MOD_RO_AFTER_INIT]} from 6.4.
 */
public final class Modules {
    private Modules() {
    }

    /** One struct module: its address, name, core base and size, and the taints it brought. */
    public record Module(long address, String name, long base, long size, Taint taint) {
    }

    public static List<Module> all(Kernel k) {
        long head = Access.symbol(k, "modules");
        long listOff = k.types().offsetOf("struct module", "list");
        var out = new ArrayList<Module>();
        for (long node : ModuleList.nodes(k.memory(), head, k.dump().name())) out.add(read(k, node - listOff));
        return out;
    }

    public static Module read(Kernel k, long address) {
        var m = Access.object(k, "struct module", address);
        long base, size;
        if (m.hasMember("core_layout")) {
            base = m.member("core_layout.base").asUnsigned();
            size = m.member("core_layout.size").asUnsigned();
        } else {
            var mem = m.member("mem");
            base = mem.index(0).member("base").asUnsigned();
            size = 0;
            // MOD_TEXT, MOD_DATA, MOD_RODATA, MOD_RO_AFTER_INIT: the core types (include/linux/module.h)
            for (int i = 0; i < 4; i++) size += mem.index(i).member("size").asUnsigned();
        }
        return new Module(address, m.member("name").asString(), base, size, new Taint(m.member("taints").asUnsigned()));
    }
}
