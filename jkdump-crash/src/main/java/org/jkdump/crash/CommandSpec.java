package org.jkdump.crash;

import java.util.List;

/**
 * A command's entry in the registry, as in crash's command table: its name and aliases,
 * the usage synopsis, a one-line summary, the full help with examples, and whether it
 * works without kernel types ({@code minimal}: crash's MINIMAL flag, so a damaged dump
 * whose BTF or task list cannot be read still gets {@code log}, {@code rd}, {@code sym}).
 */
public record CommandSpec(String name, List<String> aliases, String synopsis, String summary, String help,
                          boolean minimal) {
    public CommandSpec {
        aliases = List.copyOf(aliases);
    }

    public static CommandSpec of(String name, String synopsis, String summary, String help) {
        return new CommandSpec(name, List.of(), synopsis, summary, help, false);
    }

    /** The same entry marked as working without types. */
    public CommandSpec asMinimal() {
        return new CommandSpec(name, aliases, synopsis, summary, help, true);
    }

    public CommandSpec withAliases(String... more) {
        return new CommandSpec(name, List.of(more), synopsis, summary, help, minimal);
    }
}
