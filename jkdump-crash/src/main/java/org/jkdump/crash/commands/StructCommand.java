package org.jkdump.crash.commands;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jkdump.crash.Addresses;
import org.jkdump.crash.CommandException;
import org.jkdump.crash.CommandSpec;
import org.jkdump.crash.CrashCommand;
import org.jkdump.crash.GdbValues;
import org.jkdump.crash.Getopt;
import org.jkdump.crash.Session;
import org.jkdump.crash.TypeLayout;
import org.jkdump.crash.UsageException;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.KObject;
import org.jkdump.kernel.Types;
import org.jkdump.kernel.btf.BtfType;

/**
 * {@code struct} and {@code union}: a type's definition from the dump's BTF ({@code -o} with
 * member offsets), or the object of that type at an address or symbol, whole or only the
 * members named after a dot ({@code struct task_struct.comm,pid ADDR}); a count shows that
 * many consecutive objects.
 */
public final class StructCommand implements CrashCommand<StructCommand.Options, StructCommand.Result> {
    private final String keyword;

    /** @param keyword {@code "struct"} or {@code "union"} */
    public StructCommand(String keyword) {
        this.keyword = keyword;
    }

    /**
     * @param type    the type's name (without the keyword)
     * @param members the members named after the dot, empty for all
     * @param target  an address or symbol, empty to show the definition
     */
    public record Options(String type, List<String> members, boolean offsets, Optional<String> target, long count) {
    }

    public sealed interface Result permits Layout, Objects {
    }

    /** The definition; {@code offsets} for {@code -o}. */
    public record Layout(TypeLayout layout, boolean offsets) implements Result {
    }

    /** A member as gdb prints it: its name (empty for an anonymous one) and its value's text. */
    public record Field(String name, String value) {
    }

    /** One object: its type, address and fields; {@code whole} when every member was asked for. */
    public record Instance(String type, long address, boolean whole, List<Field> fields) {
    }

    public record Objects(List<Instance> objects) implements Result {
    }

    @Override
    public CommandSpec spec() {
        return CommandSpec.of(keyword, keyword + " [-o] " + keyword + "_name[.member[,member]] [address | symbol] [count]",
                keyword + " contents",
                """
                Without an address, shows the %1$s's definition from the dump's BTF and its size;
                -o adds each member's offset. With an address or symbol, shows the %1$s there,
                or only the members named after the dot; a count shows that many in a row.
                  crash> %1$s -o list_head
                  crash> struct task_struct.comm,pid ffff8efe81203080
                  crash> struct uts_namespace init_uts_ns""".formatted(keyword));
    }

    @Override
    public Options parse(List<String> args) {
        var g = Getopt.parse(keyword, args, "o");
        var ops = g.operands();
        if (ops.isEmpty() || ops.size() > 3) throw new UsageException(keyword, "a " + keyword + " name is needed, then optionally an address and a count");
        var spec = ops.get(0);
        List<String> members = List.of();
        int dot = spec.indexOf('.');
        if (dot >= 0) {
            members = List.of(spec.substring(dot + 1).split(","));
            spec = spec.substring(0, dot);
            if (members.stream().anyMatch(String::isEmpty)) throw new UsageException(keyword, "empty member name in " + ops.get(0));
        }
        long count = ops.size() == 3 ? Addresses.number(ops.get(2), ops.get(2)) : 1;
        if (count < 1 || count > 100_000) throw new UsageException(keyword, "count must be 1 to 100000: " + ops.get(2));
        return new Options(spec, members, g.has('o'), ops.size() >= 2 ? Optional.of(ops.get(1)) : Optional.empty(), count);
    }

    @Override
    public Result run(Session session, Options o) {
        var types = session.kernel().types();
        var type = find(types, o.type());
        if (o.target().isEmpty()) {
            if (!o.members().isEmpty()) throw new CommandException(keyword + ": an address is needed to show members");
            return new Layout(TypeLayout.of(types, type), o.offsets());
        }
        long address = Addresses.parse(session, o.target().get());
        var values = new GdbValues(types, session.kernel().memory(), session.kernel().symbols(), false);
        var out = new ArrayList<Instance>();
        for (long i = 0; i < o.count(); i++) {
            long at = address + i * type.size();
            var obj = KObject.at(types, session.kernel().memory(), type, at);
            out.add(new Instance(keyword + " " + type.name(), at, o.members().isEmpty(), fields(types, values, obj, type, o.members())));
        }
        return new Objects(out);
    }

    /** The object's members formatted as gdb does, nested lines indented for a field at depth one. */
    static List<Field> fields(Types types, GdbValues values, KObject obj, BtfType.Composite type, List<String> names) {
        byte[] bytes;
        try {
            bytes = obj.bytes();
        } catch (JkdumpException e) {
            throw new CommandException(e.getMessage(), e);
        }
        var out = new ArrayList<Field>();
        if (names.isEmpty()) {
            for (var m : type.members()) {
                var sub = new BtfType.Struct(0, "", type.size(), List.of(m), type.bitfieldOffsets());
                // one member at a time, formatted as the single member of a struct, then unwrapped
                var text = values.format(sub, bytes, obj.address(), 0);
                out.add(new Field(m.name(), unwrap(text, m.name())));
            }
            return out;
        }
        for (var name : names) {
            var loc = types.findMember(type, name).orElseThrow(() -> new CommandException(
                    keyword(type) + " " + type.name() + " has no member " + name));
            var sub = new BtfType.Struct(0, "", type.size(), List.of(new BtfType.Member(last(name), loc.type().id(), loc.bitOffset(), loc.bitSize())), true);
            out.add(new Field(last(name), unwrap(values.format(sub, bytes, obj.address(), 0), last(name))));
        }
        return out;
    }

    /** "{\n  name = VALUE\n}" back to VALUE, whose own nested lines keep their depth-one indent. */
    private static String unwrap(String text, String name) {
        var body = text.substring(2, text.length() - 2);  // drop "{\n" and "\n}"
        var prefix = "  " + (name.isEmpty() ? "" : name + " = ");
        return body.substring(prefix.length());
    }

    private static String last(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    private static String keyword(BtfType.Composite c) {
        return c instanceof BtfType.Union ? "union" : "struct";
    }

    private BtfType.Composite find(Types types, String name) {
        var t = types.find(keyword + " " + name);
        if (t.isEmpty()) {
            // a typedef of a struct (spinlock_t, atomic_t) is accepted as crash accepts it
            var td = types.find(name).map(types::resolve);
            if (td.isPresent() && td.get() instanceof BtfType.Composite c && keyword(c).equals(keyword)) return c;
            throw new CommandException(keyword + ": invalid data structure reference: " + name);
        }
        return (BtfType.Composite) t.get();
    }

    @Override
    public void renderText(Result r, PrintWriter out) {
        switch (r) {
            case Layout l -> l.layout().text(l.offsets()).forEach(out::println);
            case Objects os -> {
                for (var obj : os.objects()) {
                    if (obj.whole()) {
                        out.println(obj.type() + " {");
                        for (int i = 0; i < obj.fields().size(); i++) {
                            var f = obj.fields().get(i);
                            out.println("  " + (f.name().isEmpty() ? "" : f.name() + " = ") + f.value() + (i < obj.fields().size() - 1 ? "," : ""));
                        }
                        out.println("}");
                    } else {
                        for (var f : obj.fields()) out.println("  " + f.name() + " = " + f.value() + ",");
                    }
                }
            }
        }
    }
}
