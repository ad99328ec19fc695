package org.jkdump.crash.commands;

import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import org.jkdump.crash.CommandSpec;
import org.jkdump.crash.CrashCommand;
import org.jkdump.crash.Getopt;
import org.jkdump.crash.Session;
import org.jkdump.kernel.helpers.Modules;

/**
 * {@code mod}: the loaded modules (struct module address, name, base, size), sorted by base
 * address as crash lists them (its load_module table is ordered by mod_base: the core layout's
 * base up to 6.3, {@code mem[MOD_TEXT]}'s from 6.4, where struct module lives in another
 * region than the text and the two orders part).
 */
public final class ModCommand implements CrashCommand<ModCommand.Options, ModCommand.Result> {
    public record Options(List<String> names) {
    }

    /** One module; {@code taints} are the module's taint letters (O, E, ...), empty when clean. */
    public record Row(long module, String name, long base, long size, String taints) {
    }

    /**
     * The modules; {@code textBase}: the kernel keeps a module's memory in {@code mem[]}
     * regions (6.4 and later), and crash then heads the base column TEXT_BASE.
     */
    public record Result(List<Row> modules, boolean textBase) {
    }

    @Override
    public CommandSpec spec() {
        return CommandSpec.of("mod", "mod [name] ...", "module information",
                """
                Lists the loaded modules: the struct module address, name, base address of
                the module's core text and the core size. Object files are never loaded
                (symbols come from the dump's kallsyms), as crash shows "(not loaded)".
                  crash> mod
                  crash> mod ext4""");
    }

    @Override
    public Options parse(List<String> args) {
        return new Options(Getopt.parse("mod", args, "").operands());
    }

    @Override
    public Result run(Session session, Options o) {
        var rows = Modules.all(session.kernel()).stream()
                .filter(m -> o.names().isEmpty() || o.names().contains(m.name()))
                .map(m -> new Row(m.address(), m.name(), m.base(), m.size(), m.taint().letters()))
                .sorted(Comparator.comparing(Row::base, Long::compareUnsigned))
                .toList();
        return new Result(rows, session.kernel().types().hasMember("struct module", "mem"));
    }

    @Override
    public void renderText(Result r, PrintWriter out) {
        // crash sizes the name column to the longest name plus one; with mem[] regions its
        // size column is one wider (as crash 8.0.6 prints 6.1 and 6.12 kernels)
        int nameWidth = Math.max(4, r.modules().stream().mapToInt(m -> m.name().length()).max().orElse(0) + 1);
        out.printf("     MODULE       %-" + nameWidth + "s" + (r.textBase() ? "    TEXT_BASE         SIZE" : "       BASE          SIZE")
                + "  OBJECT FILE%n", "NAME");
        for (var m : r.modules())
            out.printf("%016x  %-" + nameWidth + "s %016x " + (r.textBase() ? "%8d" : "%7d") + "  (not loaded)  [CONFIG_KALLSYMS]%n",
                    m.module(), m.name(), m.base(), m.size());
    }
}
