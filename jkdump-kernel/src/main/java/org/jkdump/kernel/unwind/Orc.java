package org.jkdump.kernel.unwind;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jkdump.kernel.KernelMemory;

/**
 * All ORC unwind information of a crashed kernel: vmlinux's table and every loaded module's,
 * read lazily from the dump's memory, and the entry layout they use. Mirrors the kernel's
 * {@code orc_find()}: a NULL ip gets the built-in "call through NULL" entry, otherwise the
 * table whose text covers the address is searched.
 */
public final class Orc {
    private final KernelMemory memory;
    private final OrcFormat format;
    private final List<OrcTable> tables;

    public Orc(KernelMemory memory, OrcFormat format, List<OrcTable> tables) {
        this.memory = memory;
        this.format = format;
        this.tables = List.copyOf(tables);
    }

    /**
     * Builds the lookup for vmlinux's table plus module tables, detecting the entry layout
     * from vmlinux's table.
     */
    public static Orc of(KernelMemory memory, OrcTable vmlinux, List<OrcTable> modules) {
        var format = OrcFormat.detect(vmlinux.sampleBits(memory, 4096));
        var all = new ArrayList<OrcTable>();
        all.add(vmlinux);
        all.addAll(modules);
        return new Orc(memory, format, all);
    }

    public OrcFormat format() {
        return format;
    }

    public List<OrcTable> tables() {
        return tables;
    }

    public KernelMemory memory() {
        return memory;
    }

    /** The entry covering {@code ip}, or empty when no table covers it. */
    public Optional<OrcEntry> find(long ip) {
        if (ip == 0) return Optional.of(OrcEntry.NULL_CALL);
        for (var t : tables) {
            if (t.covers(ip)) {
                var f = t.find(memory, format, ip);
                if (f.isPresent()) return Optional.of(f.get().entry());
            }
        }
        return Optional.empty();
    }
}
