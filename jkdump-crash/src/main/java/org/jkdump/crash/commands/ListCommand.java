package org.jkdump.crash.commands;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.jkdump.crash.Addresses;
import org.jkdump.crash.CommandException;
import org.jkdump.crash.CommandSpec;
import org.jkdump.crash.CrashCommand;
import org.jkdump.crash.GdbValues;
import org.jkdump.crash.Getopt;
import org.jkdump.crash.Session;
import org.jkdump.crash.UsageException;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.KObject;
import org.jkdump.kernel.btf.BtfType;

/**
 * {@code list}: a linked list's entries, following the pointer at the list offset of each
 * entry ({@code -o offset} or {@code -o struct.member}) until NULL or back at the start.
 * {@code -H} says the start is a list head that is not itself an entry (kernel
 * {@code list_head} lists); {@code -s struct[.member,...]} shows each entry as that struct.
 */
public final class ListCommand implements CrashCommand<ListCommand.Options, ListCommand.Result> {
    /** Far more than any list in a kernel; a corrupted list stops here with a message. */
    static final int MAX_ENTRIES = 1_000_000;

    public record Options(String offset, boolean head, Optional<String> struct, String start) {
    }

    /** One entry: its address (the struct's, when -o was given) and its members with -s. */
    public record Entry(long address, List<StructCommand.Field> fields) {
    }

    public record Result(Optional<String> struct, boolean whole, List<Entry> entries) {
    }

    @Override
    public CommandSpec spec() {
        return CommandSpec.of("list", "list [-o offset] [-H] [-s struct[.member[,member]]] start", "linked list",
                """
                Walks a linked list from start (an address or symbol), following the next
                pointer at the list offset of each entry, until NULL or back at the start.
                  -o offset  where the next pointer lies in each entry: a number or struct.member;
                             entries are then shown as the containing struct's address
                  -H         start is a list head, not an entry (a kernel list_head list)
                  -s struct[.member,...]  show each entry as that struct, or those members
                  crash> list -H modules -o module.list -s module.name
                  crash> list task_struct.tasks -s task_struct.comm,pid -H init_task.tasks""");
    }

    @Override
    public Options parse(List<String> args) {
        var g = Getopt.parse("list", args, "o:Hs:");
        var ops = new ArrayList<>(g.operands());
        String offset = g.value('o').orElse("0");
        // crash also takes the offset as a leading struct.member operand
        if (ops.size() == 2 && ops.get(0).contains(".") && g.value('o').isEmpty()) offset = ops.removeFirst();
        if (ops.size() != 1) throw new UsageException("list", "one start address or symbol is needed");
        return new Options(offset, g.has('H'), g.value('s'), ops.getFirst());
    }

    @Override
    public Result run(Session session, Options o) {
        var k = session.kernel();
        var types = k.types();
        long offset;
        if (o.offset().contains(".")) {
            int dot = o.offset().indexOf('.');
            offset = types.offsetOf(structType(types, o.offset().substring(0, dot)), o.offset().substring(dot + 1));
        } else {
            offset = Addresses.number(o.offset(), o.offset());
        }
        long start = Addresses.parse(session, o.start());
        var entries = new ArrayList<Long>();
        var seen = new HashSet<Long>();
        try {
            // with -H the start is a list_head whose next pointer is at its own address; without,
            // the start is the first entry, shown as given, with its next pointer at the offset
            long p = o.head() ? k.memory().u64(start) : k.memory().u64(start + offset);
            long stop = o.head() ? start : start + offset;
            if (!o.head()) {
                entries.add(start);
                seen.add(start);
            }
            while (p != 0 && p != stop) {
                long entry = p - offset;
                if (!seen.add(entry)) throw new CommandException(String.format("duplicate list entry: %x", entry));
                if (entries.size() >= MAX_ENTRIES) throw new CommandException("more than " + MAX_ENTRIES + " entries: is the list corrupt?");
                entries.add(entry);
                p = k.memory().u64(p);
            }
        } catch (JkdumpException e) {
            if (e instanceof CommandException ce) throw ce;
            throw new CommandException(e.getMessage(), e);
        }
        if (o.struct().isEmpty()) return new Result(Optional.empty(), false, entries.stream().map(a -> new Entry(a, List.of())).toList());
        var spec = o.struct().get();
        int dot = spec.indexOf('.');
        var type = structType(types, dot < 0 ? spec : spec.substring(0, dot));
        List<String> members = dot < 0 ? List.of() : List.of(spec.substring(dot + 1).split(","));
        var values = new GdbValues(types, k.memory(), k.symbols(), false);
        var out = new ArrayList<Entry>();
        for (long a : entries)
            out.add(new Entry(a, StructCommand.fields(types, values, KObject.at(types, k.memory(), (BtfType) type, a), type, members)));
        return new Result(Optional.of((type instanceof BtfType.Union ? "union " : "struct ") + type.name()), members.isEmpty(), out);
    }

    private static BtfType.Composite structType(org.jkdump.kernel.Types types, String name) {
        var t = types.find(name.startsWith("struct ") || name.startsWith("union ") ? name : "struct " + name)
                .or(() -> types.find("union " + name));
        if (t.isEmpty() || !(types.resolve(t.get()) instanceof BtfType.Composite c))
            throw new CommandException("invalid data structure reference: " + name);
        return c;
    }

    @Override
    public void renderText(Result r, PrintWriter out) {
        var render = new StructCommand("struct");
        for (var e : r.entries()) {
            out.println(Long.toHexString(e.address()));
            if (r.struct().isEmpty()) continue;
            render.renderText(new StructCommand.Objects(List.of(new StructCommand.Instance(r.struct().get(), e.address(), r.whole(), e.fields()))), out);
        }
    }
}
