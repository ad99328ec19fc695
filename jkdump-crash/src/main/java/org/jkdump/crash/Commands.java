package org.jkdump.crash;

import org.jkdump.crash.commands.BtCommand;
import org.jkdump.crash.commands.HelpCommand;
import org.jkdump.crash.commands.KmemCommand;
import org.jkdump.crash.commands.LogCommand;
import org.jkdump.crash.commands.ModCommand;
import org.jkdump.crash.commands.PsCommand;
import org.jkdump.crash.commands.SysCommand;
import org.jkdump.crash.commands.PtovCommand;
import org.jkdump.crash.commands.RdCommand;
import org.jkdump.crash.commands.SetCommand;
import org.jkdump.crash.commands.SymCommand;
import org.jkdump.crash.commands.VtopCommand;
import org.jkdump.crash.commands.StructCommand;
import org.jkdump.crash.commands.PCommand;
import org.jkdump.crash.commands.WhatisCommand;
import org.jkdump.crash.commands.TaskCommand;
import org.jkdump.crash.commands.ListCommand;
import org.jkdump.crash.commands.ForeachCommand;
import org.jkdump.crash.commands.FilesCommand;
import org.jkdump.crash.commands.VmCommand;

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
        r.add(new BtCommand(SessionBacktraces::new));
        r.add(new SymCommand());
        r.add(new RdCommand());
        r.add(new VtopCommand());
        r.add(new PtovCommand());
        r.add(new SetCommand());
        r.add(new StructCommand("struct"));
        r.add(new StructCommand("union"));
        r.add(new PCommand());
        r.add(new WhatisCommand());
        r.add(new TaskCommand());
        r.add(new ListCommand());
        r.add(new ForeachCommand(r));
        r.add(new FilesCommand());
        r.add(new VmCommand());
        return r;
    }
}
