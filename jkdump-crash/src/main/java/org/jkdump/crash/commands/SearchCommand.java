package org.jkdump.crash.commands;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.jkdump.crash.Addresses;
import org.jkdump.crash.CommandException;
import org.jkdump.crash.CommandSpec;
import org.jkdump.crash.CrashCommand;
import org.jkdump.crash.Getopt;
import org.jkdump.crash.Session;
import org.jkdump.crash.UsageException;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.helpers.MemorySearch;

/**
 * {@code search}: memory searched for a value ({@code unsigned long}, 8-byte aligned) or a
 * string ({@code -c}). {@code -u} searches the context task's user space area by area through
 * its page tables, {@code -p} every physical page in the dump, {@code -k} (the default) the
 * kernel's direct map of those pages. Pages missing from the dump are skipped: a dump taken
 * with makedumpfile -d 31 has no user pages, so -u finds nothing there, as crash finds
 * nothing. A string hit shows 56 bytes from the match, cut at the page's end, unprintable
 * bytes as dots, as crash's -c does.
 */
public final class SearchCommand implements CrashCommand<SearchCommand.Options, SearchCommand.Result> {
    static final int STRING_CONTEXT = 56;

    public enum Space { KERNEL, USER, PHYSICAL }

    public record Options(Space space, Optional<String> string, Optional<Long> value) {
    }

    /** One hit: the address in the space searched, and the text shown (the value, or the string in context). */
    public record Hit(long address, String text) {
    }

    public record Result(Space space, List<Hit> hits) {
    }

    @Override
    public CommandSpec spec() {
        return CommandSpec.of("search", "search [-k | -u | -p] [-c string | value]", "search memory",
                """
                Searches memory for an 8-byte value or, with -c, a string.
                  -k  the kernel's direct map of every page in the dump (the default)
                  -u  the context task's user space (set PID first)
                  -p  physical memory; addresses shown are physical
                Pages missing from the dump are skipped.
                  crash> set 143
                  crash> search -u -c JKDUMP-MARKER
                  crash> search -p ffffffffb841aa40""");
    }

    @Override
    public Options parse(List<String> args) {
        var g = Getopt.parse("search", args, "kupc");
        int spaces = (g.has('k') ? 1 : 0) + (g.has('u') ? 1 : 0) + (g.has('p') ? 1 : 0);
        if (spaces > 1) throw new UsageException("search", "only one of -k, -u and -p");
        var space = g.has('u') ? Space.USER : g.has('p') ? Space.PHYSICAL : Space.KERNEL;
        if (g.operands().size() != 1) throw new UsageException("search", "one value or (with -c) one string is needed");
        var what = g.operands().getFirst();
        if (g.has('c')) return new Options(space, Optional.of(what), Optional.empty());
        if (!Addresses.isHex(what)) throw new UsageException("search", "not a hexadecimal value: " + what + " (use -c for a string)");
        return new Options(space, Optional.empty(), Optional.of(Addresses.hex("search", what)));
    }

    @Override
    public Result run(Session session, Options o) {
        var k = session.kernel();
        MemorySearch.Pattern pattern;
        if (o.string().isPresent()) {
            pattern = new MemorySearch.Pattern(o.string().get().getBytes(StandardCharsets.ISO_8859_1), 1, STRING_CONTEXT);
        } else {
            var b = new byte[8];
            long v = o.value().get();
            for (int i = 0; i < 8; i++) b[i] = (byte) (v >>> (8 * i));
            pattern = new MemorySearch.Pattern(b, 8, 8);
        }
        List<MemorySearch.Hit> hits;
        try {
            hits = switch (o.space()) {
                case USER -> {
                    var task = session.tasks().stream().filter(t -> t.address() == session.context()).findFirst().orElseThrow();
                    if (task.mm() == 0) throw new CommandException("the context task (PID " + task.pid() + ") is a kernel thread: it has no user space");
                    yield MemorySearch.user(k, task.mm(), pattern);
                }
                case PHYSICAL -> MemorySearch.physical(k, 0, pattern);
                case KERNEL -> MemorySearch.physical(k, k.memory().layout().pageOffset().orElseThrow(() ->
                        new CommandException("the direct map's base is unknown")).address(), pattern);
            };
        } catch (CommandException e) {
            throw e;
        } catch (JkdumpException e) {
            throw new CommandException(e.getMessage(), e);
        }
        var out = hits.stream().map(h -> new Hit(h.address(), o.string().isPresent() ? printable(h.context())
                : Long.toHexString(o.value().get()))).toList();
        return new Result(o.space(), out);
    }

    private static String printable(byte[] b) {
        var sb = new StringBuilder();
        for (byte x : b) sb.append(x >= 0x20 && x < 0x7f ? (char) x : '.');
        return sb.toString();
    }

    @Override
    public void renderText(Result r, PrintWriter out) {
        for (var h : r.hits()) out.println(Long.toHexString(h.address()) + ": " + h.text());
    }
}
