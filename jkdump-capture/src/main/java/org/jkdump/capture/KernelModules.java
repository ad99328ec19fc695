package org.jkdump.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jkdump.format.JkdumpException;

/**
 * The module tree of one kernel release ({@code lib/modules/RELEASE}): modules.dep, written by
 * depmod, lists each module's file and the files it depends on (in the order that loading
 * them from last to first satisfies each one's dependencies, as modprobe does);
 * modules.builtin lists what is compiled in and needs no file.
 */
public final class KernelModules {
    private final Path dir;
    private final Map<String, String> fileByName = new HashMap<>();
    private final Map<String, List<String>> depsByFile = new HashMap<>();
    private final Set<String> builtin = new HashSet<>();

    private KernelModules(Path dir) {
        this.dir = dir;
    }

    /** Reads {@code dir}/modules.dep (and modules.builtin when present). */
    public static KernelModules read(Path dir) {
        var m = new KernelModules(dir);
        Path dep = dir.resolve("modules.dep");
        try {
            if (!Files.exists(dep))
                throw new JkdumpException(dep + ": missing: run depmod for this kernel (depmod -b ROOT RELEASE)");
            int no = 0;
            for (String line : Files.readAllLines(dep)) {
                no++;
                if (line.isBlank()) continue;
                int colon = line.indexOf(':');
                if (colon < 0) throw new JkdumpException(dep + ": line " + no + ": no ':' after the module file");
                String file = line.substring(0, colon).strip();
                String rest = line.substring(colon + 1).strip();
                m.depsByFile.put(file, rest.isEmpty() ? List.of() : List.of(rest.split("\\s+")));
                m.fileByName.put(name(file), file);
            }
            Path builtin = dir.resolve("modules.builtin");
            if (Files.exists(builtin))
                for (String line : Files.readAllLines(builtin)) if (!line.isBlank()) m.builtin.add(name(line.strip()));
        } catch (IOException e) {
            throw new JkdumpException(dep + ": cannot read: " + e.getMessage(), e);
        }
        return m;
    }

    /** "kernel/fs/ext4/ext4.ko.xz" → "ext4"; dashes count as underscores, as modprobe treats them. */
    static String name(String file) {
        String base = file.substring(file.lastIndexOf('/') + 1);
        int ko = base.indexOf(".ko");
        return (ko >= 0 ? base.substring(0, ko) : base).replace('-', '_');
    }

    public boolean isBuiltin(String module) {
        return builtin.contains(module.replace('-', '_'));
    }

    /**
     * The module files to load, dependencies first, for the given module names; built-in
     * modules are skipped, unknown ones refused with the release's directory in the message.
     */
    public List<Path> loadOrder(List<String> modules) {
        var order = new LinkedHashSet<String>();
        for (String mod : modules) {
            String n = mod.replace('-', '_');
            String file = fileByName.get(n);
            if (file == null) {
                if (builtin.contains(n)) continue;
                throw new JkdumpException(dir.resolve("modules.dep") + ": no module '" + mod + "' (neither a module file nor built in)");
            }
            add(file, order, new HashSet<>());
        }
        var out = new ArrayList<Path>();
        for (String f : order) out.add(dir.resolve(f));
        return out;
    }

    private void add(String file, LinkedHashSet<String> order, Set<String> visiting) {
        if (order.contains(file)) return;
        if (!visiting.add(file)) throw new JkdumpException(dir.resolve("modules.dep") + ": dependency cycle through " + file);
        var deps = depsByFile.getOrDefault(file, List.of());
        for (int i = deps.size() - 1; i >= 0; i--) add(deps.get(i), order, visiting);
        order.add(file);
    }
}
