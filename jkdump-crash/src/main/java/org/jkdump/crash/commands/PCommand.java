package org.jkdump.crash.commands;

import java.io.PrintWriter;
import java.util.List;
import java.util.regex.Pattern;
import org.jkdump.crash.Addresses;
import org.jkdump.crash.CommandException;
import org.jkdump.crash.CommandSpec;
import org.jkdump.crash.CrashCommand;
import org.jkdump.crash.GdbValues;
import org.jkdump.crash.GlobalTypes;
import org.jkdump.crash.Session;
import org.jkdump.crash.UsageException;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.KObject;
import org.jkdump.kernel.Types;
import org.jkdump.kernel.btf.BtfType;

/**
 * {@code p}: a kernel variable or expression printed as crash's gdb prints it. Expressions are
 * a global ({@code init_uts_ns}), optionally followed by members and indices
 * ({@code init_task.mm}, {@code init_task.pid_links[1]}; pointers followed as by {@code ->}),
 * a cast object {@code (struct foo)symbol} or {@code *(struct foo *)ADDR}. {@code p/x} and
 * {@code p/d} choose the integer base. A global's type comes from {@link GlobalTypes}.
 */
public final class PCommand implements CrashCommand<PCommand.Options, PCommand.Result> {
    private static final Pattern DEREF_CAST = Pattern.compile("\\*\\s*\\(\\s*(.+?)\\s*\\*\\s*\\)\\s*(\\S+)");
    private static final Pattern CAST = Pattern.compile("\\(\\s*(.+?)\\s*\\)\\s*(\\S+)");
    private static final Pattern NAME_PATH = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)((?:\\.|->|\\[).*)?");

    private int history;  // gdb's $N, counted over the session

    public record Options(String expression, boolean hex) {
    }

    /**
     * @param label   the variable's name when the expression was a bare name (crash prints "name = "), else empty
     * @param history gdb's value history number
     * @param type    the value's C type
     * @param value   the value as gdb prints it
     */
    public record Result(String label, int history, String type, String value) {
    }

    @Override
    public CommandSpec spec() {
        return CommandSpec.of("p", "p[/x|/d] expression", "print the value of an expression",
                """
                Prints a kernel variable, a member of one, or an object at an address given its
                type, as crash's gdb prints it. Global variables' types come from a table of
                well-known kernel globals (the dump's BTF describes only per-cpu variables);
                for others, give the type: (struct foo)symbol or *(struct foo *)address.
                  crash> p init_uts_ns
                  crash> p init_task.comm
                  crash> p/x jiffies
                  crash> p *(struct list_head *)ffffffffb8437e30""");
    }

    @Override
    public Options parse(List<String> args) {
        boolean hex = false;
        var words = new java.util.ArrayList<>(args);
        if (!words.isEmpty() && words.getFirst().startsWith("/")) {
            var f = words.removeFirst();
            hex = switch (f) {
                case "/x" -> true;
                case "/d" -> false;
                default -> throw new UsageException("p", "unknown format " + f + " (use /x or /d)");
            };
        }
        if (words.isEmpty()) throw new UsageException("p", "an expression is needed");
        return new Options(String.join(" ", words), hex);
    }

    /** For {@code p/x}: the command word itself carries the format. */
    public Options parseWithFormat(String format, List<String> args) {
        var all = new java.util.ArrayList<String>();
        all.add(format);
        all.addAll(args);
        return parse(all);
    }

    @Override
    public Result run(Session session, Options o) {
        var k = session.kernel();
        var types = k.types();
        var expr = o.expression().strip();
        KObject obj;
        String label = "";
        var m = DEREF_CAST.matcher(expr);
        var c = CAST.matcher(expr);
        if (m.matches()) {
            obj = KObject.at(types, k.memory(), type(types, m.group(1)), Addresses.parse(session, m.group(2)), expr);
        } else if (c.matches()) {
            obj = KObject.at(types, k.memory(), type(types, c.group(1)), Addresses.parse(session, c.group(2)), expr);
        } else {
            var n = NAME_PATH.matcher(expr);
            if (!n.matches()) throw new CommandException("p: cannot read expression: " + expr);
            var name = n.group(1);
            long address = Addresses.symbol(session, name).address();
            if (GlobalTypes.isPerCpu(types, name))
                throw new CommandException("p: " + name + " is a per-cpu variable: use struct/rd with per-cpu addresses");
            var t = GlobalTypes.of(types, name).orElseThrow(() -> new CommandException(
                    "p: the type of " + name + " is not known without the vmlinux: give it, as in p (struct foo)" + name
                            + " or p *(struct foo *)" + Long.toHexString(address)));
            obj = KObject.at(types, k.memory(), t, address, name);
            var path = n.group(2);
            if (path == null) label = name;
            else obj = obj.member(path.replace("->", ".").replaceFirst("^\\.", "").replace(".[", "["));
        }
        var values = new GdbValues(types, k.memory(), k.symbols(), o.hex());
        String text;
        try {
            text = values.formatTop(obj.type(), valueBytes(types, obj));
        } catch (JkdumpException e) {
            throw new CommandException(e.getMessage(), e);
        }
        return new Result(label, ++history, obj.typeName(), text);
    }

    /** The bytes to format; a bitfield member is read as a number and widened to its type. */
    private static byte[] valueBytes(Types types, KObject obj) {
        var r = types.resolve(obj.type());
        if (r instanceof BtfType.Int || r instanceof BtfType.Enum || r instanceof BtfType.Ptr) {
            long v = obj.asLong();
            int size = (int) types.sizeof(r);
            var b = new byte[size];
            for (int i = 0; i < size; i++) b[i] = (byte) (v >>> (8 * i));
            return b;
        }
        return obj.bytes();
    }

    private static BtfType type(Types types, String spec) {
        return types.find(spec).orElseThrow(() -> new CommandException("p: no type " + spec + " in the kernel's BTF"));
    }

    @Override
    public void renderText(Result r, PrintWriter out) {
        out.println((r.label().isEmpty() ? "" : r.label() + " = ") + "$" + r.history() + " = " + r.value());
    }
}
