package org.jkdump.crash.commands;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jkdump.crash.CommandException;
import org.jkdump.crash.CommandSpec;
import org.jkdump.crash.CrashCommand;
import org.jkdump.crash.Getopt;
import org.jkdump.crash.Session;
import org.jkdump.crash.Settings;
import org.jkdump.crash.UsageException;

/**
 * {@code set}: the shell's settings ({@code set radix 16}, {@code set json on},
 * {@code set scroll off}, {@code set -v} to list them) and the context task.
 */
public final class SetCommand implements CrashCommand<SetCommand.Options, SetCommand.Result> {
    /** @param name the setting named, empty with -v; @param value its new value, empty to show it */
    public record Options(boolean all, Optional<String> name, Optional<String> value) {
    }

    /**
     * The context task as {@code set} shows it; {@code panic} marks the task that crashed,
     * {@code active} one running on a CPU, {@code samePid} how many tasks have its pid (the
     * idle tasks all have pid 0).
     */
    public record Context(int pid, String command, long task, int cpu, String state, boolean panic, boolean active, int samePid) {
    }

    /** The settings shown, name to crash's text of the value, in crash's order. */
    public record Result(Map<String, String> settings, boolean radixOnly, Optional<Context> context) {
        Result(Map<String, String> settings, boolean radixOnly) {
            this(settings, radixOnly, Optional.empty());
        }
    }

    @Override
    public CommandSpec spec() {
        return CommandSpec.of("set", "set [pid | task | -p] | [-v] | [radix [10|16]] | [json [on|off]] | [scroll [on|off]]", "set a process context or internal variable",
                """
                With a pid or task address, makes that task the context of later commands
                (bt, ...); -p goes back to the task that crashed; alone, shows the context.
                Also shows or changes the shell's settings:
                  radix 10|16   output radix of p and struct
                  json on|off   print every command's result as JSON
                  scroll on|off send long output through a pager
                  -v            list the settings
                  crash> set radix 16
                  crash> set json on""").asMinimal();
    }

    @Override
    public Options parse(List<String> args) {
        var g = Getopt.parse("set", args, "vp");
        var ops = g.operands();
        if (g.has('v')) return new Options(true, Optional.empty(), Optional.empty());
        if (g.has('p')) return new Options(false, Optional.of("-p"), Optional.empty());
        if (ops.isEmpty()) return new Options(false, Optional.empty(), Optional.empty());
        if (ops.size() > 2) throw new UsageException("set", "too many arguments");
        return new Options(false, Optional.of(ops.getFirst()), ops.size() == 2 ? Optional.of(ops.get(1)) : Optional.empty());
    }

    @Override
    public Result run(Session session, Options o) {
        if (o.all()) return new Result(describe(session), false);
        if (o.name().isEmpty()) return context(session, session.context());
        var s = session.settings();
        var name = o.name().get();
        if (name.equals("-p")) {
            long panic = org.jkdump.crash.PanicTask.address(session);
            session.context(panic);
            return context(session, panic);
        }
        if (o.value().isEmpty() && (name.chars().allMatch(Character::isDigit) || name.matches("(0x)?[0-9a-fA-F]{9,16}"))) {
            var tasks = session.tasks();
            var t = name.chars().allMatch(Character::isDigit)
                    ? tasks.stream().filter(x -> x.pid() == Integer.parseInt(name)).findFirst()
                    : tasks.stream().filter(x -> x.address() == Long.parseUnsignedLong(name.replaceFirst("^0x", ""), 16)).findFirst();
            var task = t.orElseThrow(() -> new CommandException("invalid task or pid value: " + name));
            session.context(task.address());
            return context(session, task.address());
        }
        if (o.value().isPresent()) {
            var v = o.value().get();
            s = switch (name) {
                case "radix" -> switch (v) {
                    case "10", "decimal" -> s.withRadix(10);
                    case "16", "hex" -> s.withRadix(16);
                    default -> throw new CommandException("invalid radix: " + v + " (10 or 16)");
                };
                case "json" -> s.withJson(onOff(name, v));
                case "scroll" -> s.withScroll(onOff(name, v));
                default -> throw unknown(name);
            };
            session.settings(s);
        } else if (!List.of("radix", "json", "scroll").contains(name)) {
            throw unknown(name);
        }
        var all = describe(session);
        return new Result(Map.of(name, all.get(name)), name.equals("radix"));
    }

    private static CommandException unknown(String name) {
        return new CommandException("invalid argument: " + name);
    }

    private static Result context(Session session, long address) {
        var t = session.tasks().stream().filter(x -> x.address() == address).findFirst()
                .orElseThrow(() -> new CommandException("context task %x is not on the task list".formatted(address)));
        var panic = org.jkdump.crash.PanicTask.find(session);
        boolean active = org.jkdump.kernel.helpers.Tasks.active(session.kernel()).contains(address);
        int samePid = (int) session.tasks().stream().filter(x -> x.pid() == t.pid()).count();
        return new Result(Map.of(), false, Optional.of(new Context(t.pid(), t.comm(), t.address(), t.cpu(),
                org.jkdump.kernel.helpers.Tasks.stateName(t.state()), panic.isPresent() && panic.getAsLong() == address, active, samePid)));
    }

    private static boolean onOff(String name, String v) {
        return switch (v) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new CommandException(name + ": on or off, not " + v);
        };
    }

    private static Map<String, String> describe(Session session) {
        Settings s = session.settings();
        var m = new LinkedHashMap<String, String>();
        m.put("scroll", s.scroll() ? "on (pager)" : "off (none)");
        m.put("radix", s.radix() + (s.radix() == 16 ? " (hex)" : " (decimal)"));
        m.put("json", s.json() ? "on" : "off");
        m.put("namelist", session.kernelSource());
        m.put("dumpfile", session.dump().name());
        return m;
    }

    @Override
    public void renderText(Result r, PrintWriter out) {
        if (r.context().isPresent()) {
            var c = r.context().get();
            out.println("    PID: " + c.pid());
            out.println("COMMAND: \"" + c.command() + "\"");
            // x86-64 keeps thread_info inside task_struct, so crash shows the same address twice
            out.println(String.format("   TASK: %x  %s[THREAD_INFO: %x]", c.task(),
                    c.samePid() > 1 ? "(1 of " + c.samePid() + ")  " : "", c.task()));
            out.println("    CPU: " + c.cpu());
            out.println("  STATE: " + c.state() + (c.panic() ? " (PANIC)" : c.active() ? " (ACTIVE)" : " "));
            return;
        }
        if (r.radixOnly()) {
            out.println("output radix: " + r.settings().get("radix"));
            return;
        }
        r.settings().forEach((k, v) -> out.println(String.format("%14s: %s", k, v)));
    }
}
