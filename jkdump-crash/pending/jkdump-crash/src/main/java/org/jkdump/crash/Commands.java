package org.jkdump.crash;

import org.jkdump.crash.commands.HelpCommand;
import org.jkdump.crash.commands.KmemCommand;
import org.jkdump.crash.commands.LogCommand;
import org.jkdump.crash.commands.ModCommand;
import org.jkdump.crash.commands.PsCommand;
import org.jkdump.crash.commands.SysCommand;

/** The standard command table of {@code jkdump crash}. */
public final class Commands {
    private Commands() {
    }

    public static CommandRegistry registry() {
        var r = new CommandRegistry();
        r.add(new HelpCommand(r));
        r.add(new SysCommand());
        r.add(new LogCommand());
        r.add(new PsCommand());
        r.add(new ModCommand());
        r.add(new KmemCommand());
        return r;
    }
}
