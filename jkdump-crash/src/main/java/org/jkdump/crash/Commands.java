package org.jkdump.crash;

import org.jkdump.crash.commands.HelpCommand;

/** The standard command table of {@code jkdump crash}. */
public final class Commands {
    private Commands() {
    }

    public static CommandRegistry registry() {
        var r = new CommandRegistry();
        r.add(new HelpCommand(r));
        return r;
    }
}
