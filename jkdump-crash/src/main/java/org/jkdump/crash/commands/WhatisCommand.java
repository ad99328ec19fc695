package org.jkdump.crash.commands;

import java.io.PrintWriter;
import java.util.List;
import org.jkdump.crash.CommandException;
import org.jkdump.crash.CommandSpec;
import org.jkdump.crash.CrashCommand;
import org.jkdump.crash.GlobalTypes;
import org.jkdump.crash.Session;
import org.jkdump.crash.TypeLayout;
import org.jkdump.crash.UsageException;
import org.jkdump.kernel.btf.BtfType;

/**
 * {@code whatis}: the declaration of a global ({@code struct uts_namespace init_uts_ns;}), the
 * definition of a struct or union, or what a typedef or enum stands for, with its size.
 */
public final class WhatisCommand implements CrashCommand<WhatisCommand.Options, WhatisCommand.Result> {
    public record Options(String name) {
    }

    /** The lines crash prints; {@code size} when the name is a type. */
    public record Result(List<String> lines) {
    }

    @Override
    public CommandSpec spec() {
        return CommandSpec.of("whatis", "whatis [struct | union | typedef | symbol]", "search symbol table for data or type information",
                """
                Shows a global variable's declaration, or a type's definition and size.
                  crash> whatis init_uts_ns
                  crash> whatis struct list_head
                  crash> whatis u64""");
    }

    @Override
    public Options parse(List<String> args) {
        if (args.isEmpty()) throw new UsageException("whatis", "a name is needed");
        return new Options(String.join(" ", args));
    }

    @Override
    public Result run(Session session, Options o) {
        var types = session.kernel().types();
        var name = o.name().strip();
        if (name.startsWith("struct ") || name.startsWith("union ")) {
            var t = types.find(name).orElseThrow(() -> new CommandException("whatis: invalid data structure reference: " + name));
            return new Result(TypeLayout.of(types, (BtfType.Composite) t).text(false));
        }
        if (name.startsWith("enum ")) {
            var t = types.find(name).orElseThrow(() -> new CommandException("whatis: no " + name));
            var e = (BtfType.Enum) t;
            var sb = new StringBuilder(name).append(" {");
            for (int i = 0; i < e.values().size(); i++) sb.append(i == 0 ? "" : ",").append("\n  ").append(e.values().get(i).name()).append(" = ").append(e.values().get(i).value());
            return new Result(List.of(sb.append("\n};").toString(), "SIZE: " + e.size()));
        }
        var global = session.kernel().symbols().byName(name);
        if (global.isPresent()) {
            var t = GlobalTypes.of(types, name).orElseThrow(() -> new CommandException(
                    "whatis: the type of " + name + " is not known without the vmlinux (symbol type '" + global.get().type() + "')"));
            return new Result(List.of(types.declaration(t, name) + ";"));
        }
        var t = types.find(name).orElseThrow(() -> new CommandException("whatis: no symbol or type " + name));
        if (t instanceof BtfType.Typedef td)
            return new Result(List.of("typedef " + types.declaration(types.type(td.target()), name) + ";", "SIZE: " + types.sizeof(t)));
        return new Result(List.of(types.name(t) + ";", "SIZE: " + types.sizeof(t)));
    }

    @Override
    public void renderText(Result r, PrintWriter out) {
        r.lines().forEach(out::println);
    }
}
