package org.jkdump.crash.commands;

import java.io.PrintWriter;
import java.util.List;
import org.jkdump.crash.CommandSpec;
import org.jkdump.crash.CrashCommand;
import org.jkdump.crash.Getopt;
import org.jkdump.crash.Session;

/** {@code log}: the kernel log from the printk buffer, each record as {@code [seconds.micros] text}. */
public final class LogCommand implements CrashCommand<LogCommand.Options, LogCommand.Result> {
    public record Options(boolean noTimestamps) {
    }

    public record Result(List<Session.LogLine> lines, boolean noTimestamps) {
    }

    @Override
    public CommandSpec spec() {
        return CommandSpec.of("log", "log [-t]", "dump system message buffer",
                """
                Shows the kernel's message buffer (the printk ring of 5.10+ or the record
                buffer before), oldest first, each record prefixed with its time since boot.
                  -t  without the timestamps
                  crash> log
                  crash> log | tail -20""").asMinimal();
    }

    @Override
    public Options parse(List<String> args) {
        var g = Getopt.parse("log", args, "t");
        return new Options(g.has('t'));
    }

    @Override
    public Result run(Session session, Options o) {
        return new Result(session.log(), o.noTimestamps());
    }

    @Override
    public void renderText(Result r, PrintWriter out) {
        for (var l : r.lines()) {
            if (r.noTimestamps()) {
                out.println(l.text());
                continue;
            }
            long ns = Math.round(l.seconds() * 1e9);
            var prefix = String.format("[%5d.%06d] ", ns / 1_000_000_000L, ns % 1_000_000_000L / 1000);
            // a record's further lines are indented under its text, as crash prints them
            out.println(prefix + l.text().replace("\n", "\n" + " ".repeat(prefix.length())));
        }
    }
}
