package org.jkdump.crash.commands;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jkdump.crash.Addresses;
import org.jkdump.crash.CommandException;
import org.jkdump.crash.CommandSpec;
import org.jkdump.crash.CrashCommand;
import org.jkdump.crash.Getopt;
import org.jkdump.crash.Session;
import org.jkdump.crash.UsageException;
import org.jkdump.kernel.symbols.Symbol;

/**
 * {@code sym}: a symbol's address, an address's symbol and offset, every symbol ({@code -l})
 * or those whose name contains a string ({@code -q}). crash adds the source file and line
 * from the vmlinux's debug info; from the dump alone there is none, so lines end at the name.
 */
public final class SymCommand implements CrashCommand<SymCommand.Options, SymCommand.Result> {
    /** @param list {@code -l}; @param query {@code -q STRING}; @param targets names or addresses */
    public record Options(boolean list, Optional<String> query, List<String> targets) {
    }

    /**
     * One line of output: the address asked about (or the symbol's), the symbol's nm type, its
     * name, the offset into it and its module.
     */
    public record Entry(long address, char type, String name, long offset, Optional<String> module) {
        static Entry of(Symbol s, long offset) {
            return new Entry(s.address() + offset, s.type(), s.name(), offset, s.module());
        }

        /** {@code ADDR (T) name+off [module]} as crash prints it. */
        public String text() {
            var sb = new StringBuilder(Long.toHexString(address)).append(" (").append(type).append(") ").append(name);
            if (offset != 0) sb.append('+').append(Long.toUnsignedString(offset));
            module.ifPresent(m -> sb.append(" [").append(m).append(']'));
            return sb.toString();
        }
    }

    /** @param entries the lines; @param noneFound a {@code -q} search that matched nothing */
    public record Result(List<Entry> entries, boolean noneFound) {
    }

    @Override
    public CommandSpec spec() {
        return CommandSpec.of("sym", "sym [-l] | [-q string] | [symbol | vaddr] ...", "translate a symbol to its virtual address, or vice-versa",
                """
                With a symbol name, shows its address and type; with an address, the symbol
                containing it and the offset into it (module symbols name their module).
                  -l         list every symbol, in address order
                  -q string  list the symbols whose name contains string
                Symbols come from the dump's kallsyms, or the System.map/vmlinux given.
                  crash> sym panic
                  crash> sym ffffffffb7401cb5
                  crash> sym -q uts_ns""").asMinimal();
    }

    @Override
    public Options parse(List<String> args) {
        var g = Getopt.parse("sym", args, "lq:");
        if (!g.has('l') && g.value('q').isEmpty() && g.operands().isEmpty())
            throw new UsageException("sym", "a symbol, an address, -l or -q is needed");
        return new Options(g.has('l'), g.value('q'), g.operands());
    }

    @Override
    public Result run(Session session, Options o) {
        var table = session.kernel().symbols();
        var out = new ArrayList<Entry>();
        if (o.list()) table.forEach(s -> out.add(Entry.of(s, 0)));
        if (o.query().isPresent()) {
            var found = table.containing(o.query().get());
            if (found.isEmpty() && o.targets().isEmpty() && !o.list()) return new Result(List.of(), true);
            found.forEach(s -> out.add(Entry.of(s, 0)));
        }
        for (var t : o.targets()) {
            var named = table.allNamed(t);
            if (!named.isEmpty()) {
                named.forEach(s -> out.add(Entry.of(s, 0)));
                continue;
            }
            if (!Addresses.isHex(t)) throw Addresses.notFound(table, t);
            long address = Addresses.hex("sym", t);
            // crash answers only for kernel addresses: 0 is no more "fixed_percpu_data" than it is NULL
            var at = (address < 0 ? table.symbolAt(address) : Optional.<org.jkdump.kernel.symbols.SymbolOffset>empty())
                    .orElseThrow(() -> new CommandException("invalid address: " + Long.toHexString(address)));
            out.add(Entry.of(at.symbol(), at.offset()));
        }
        return new Result(out, false);
    }

    @Override
    public void renderText(Result r, PrintWriter out) {
        if (r.noneFound()) out.println("(none found)");
        for (var e : r.entries()) out.println(e.text());
    }
}
