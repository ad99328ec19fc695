package org.jkdump.crash;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The command table: every command by name and alias, in the order {@code help} lists
 * them. Built once per shell by {@link Commands#registry()}.
 */
public final class CommandRegistry {
    private final List<CrashCommand<?, ?>> commands = new ArrayList<>();
    private final Map<String, CrashCommand<?, ?>> byName = new LinkedHashMap<>();

    public CommandRegistry add(CrashCommand<?, ?> c) {
        var spec = c.spec();
        for (var n : names(spec)) {
            if (byName.putIfAbsent(n, c) != null) throw new IllegalArgumentException("command name " + n + " registered twice");
        }
        commands.add(c);
        return this;
    }

    private static List<String> names(CommandSpec spec) {
        var l = new ArrayList<String>();
        l.add(spec.name());
        l.addAll(spec.aliases());
        return l;
    }

    public Optional<CrashCommand<?, ?>> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public List<CrashCommand<?, ?>> commands() {
        return List.copyOf(commands);
    }

    /** Every name and alias, sorted (for completion and {@code help}). */
    public List<String> allNames() {
        return List.copyOf(new TreeSet<>(byName.keySet()));
    }
}
