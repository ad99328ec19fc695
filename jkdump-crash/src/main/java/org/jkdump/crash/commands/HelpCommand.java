package org.jkdump.crash.commands;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import org.jkdump.crash.CommandException;
import org.jkdump.crash.CommandRegistry;
import org.jkdump.crash.CommandSpec;
import org.jkdump.crash.CrashCommand;
import org.jkdump.crash.Getopt;
import org.jkdump.crash.Session;

/** {@code help [command]}: the command table, or one command's synopsis, description and examples. */
public final class HelpCommand implements CrashCommand<HelpCommand.Options, HelpCommand.Result> {
    public record Options(Optional<String> command) {
    }

    /** The command list, or one command's help. */
    public record Result(List<String> commands, Optional<CommandSpec> command) {
    }

    private final CommandRegistry registry;

    public HelpCommand(CommandRegistry registry) {
        this.registry = registry;
    }

    @Override
    public CommandSpec spec() {
        return CommandSpec.of("help", "help [command]", "get help",
                """
                Without an argument, lists the commands. With a command name, shows its
                synopsis, what it does, its flags and examples, and whether it works
                without kernel types (on a dump whose BTF or task list is damaged).
                  crash> help
                  crash> help ps""").asMinimal().withAliases("h");
    }

    @Override
    public Options parse(List<String> args) {
        var g = Getopt.parse("help", args, "");
        return new Options(g.operands().stream().findFirst());
    }

    @Override
    public Result run(Session session, Options o) {
        var names = registry.commands().stream().map(c -> c.spec().name()).sorted().toList();
        if (o.command().isEmpty()) return new Result(names, Optional.empty());
        var c = registry.find(o.command().get())
                .orElseThrow(() -> new CommandException("no help for " + o.command().get() + ": not a command"));
        return new Result(names, Optional.of(c.spec()));
    }

    @Override
    public void renderText(Result r, PrintWriter out) {
        if (r.command().isPresent()) {
            var s = r.command().get();
            out.println();
            out.println("NAME");
            out.println("  " + s.name() + " - " + s.summary());
            out.println();
            out.println("SYNOPSIS");
            out.println("  " + s.synopsis());
            out.println();
            out.println("DESCRIPTION");
            s.help().lines().forEach(l -> out.println("  " + l));
            if (!s.aliases().isEmpty()) out.println("\n  Aliases: " + String.join(", ", s.aliases()));
            if (s.minimal()) out.println("\n  Works without kernel types (minimal mode).");
            out.println();
            return;
        }
        // crash's help lists the names column-major in five columns of 15
        var n = r.commands();
        int cols = 5, rows = (n.size() + cols - 1) / cols;
        out.println();
        for (int row = 0; row < rows; row++) {
            var line = new StringBuilder();
            for (int col = 0; col < cols; col++) {
                int i = col * rows + row;
                if (i < n.size()) line.append(String.format("%-15s", n.get(i)));
            }
            out.println(line.toString().stripTrailing());
        }
        out.println();
        out.println("crash version: jkdump (crash-compatible)");
        out.println("For help on any command above, enter \"help <command>\".");
        out.println();
    }
}
