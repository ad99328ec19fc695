package org.jkdump.crash.commands;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.jkdump.crash.CommandException;
import org.jkdump.crash.CommandSpec;
import org.jkdump.crash.CrashCommand;
import org.jkdump.crash.Getopt;
import org.jkdump.crash.Session;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.helpers.TaskFiles;

/** {@code files}: a task's root, working directory and open files with their paths. */
public final class FilesCommand implements CrashCommand<FilesCommand.Options, FilesCommand.Result> {
    public record Options(List<String> tasks) {
    }

    public record Entry(int pid, long task, int cpu, String comm, TaskFiles.Files files) {
    }

    public record Result(List<Entry> tasks) {
    }

    @Override
    public CommandSpec spec() {
        return CommandSpec.of("files", "files [pid | taskp] ...", "open files",
                """
                Shows the root and current directories of the context task, or of each pid or task
                given, and its open files: descriptor, struct file, dentry, inode, type and path.
                  crash> files 143""");
    }

    @Override
    public Options parse(List<String> args) {
        return new Options(Getopt.parse("files", args, "").operands());
    }

    @Override
    public Result run(Session session, Options o) {
        var out = new ArrayList<Entry>();
        for (var t : TaskSelection.of(session, o.tasks())) {
            try {
                var files = TaskFiles.of(session.kernel(), t.address());
                out.add(new Entry(t.pid(), t.address(), t.cpu(), t.comm(), files));
                // like crash, the first task whose files the dump lacks ends the command
                if (files.cut().isPresent()) break;
            } catch (JkdumpException e) {
                throw new CommandException("PID " + t.pid() + ": " + e.getMessage(), e);
            }
        }
        return new Result(out);
    }

    @Override
    public void renderText(Result r, PrintWriter out) {
        for (var e : r.tasks()) {
            out.println(Bt.header(e.pid(), e.task(), e.cpu(), e.comm()));
            out.println("ROOT: " + e.files().root() + "    CWD: " + e.files().cwd());
            if (e.files().open().isEmpty() && e.files().cut().isEmpty()) {
                out.println("No open files");
            } else {
                out.println(" FD       FILE            DENTRY           INODE       TYPE PATH");
                for (var f : e.files().open())
                    out.println(String.format("%3d %016x %016x %016x %-4s %s", f.fd(), f.file(), f.dentry(), f.inode(), f.type(), f.path()));
            }
            // the descriptors before the one the dump lacks are shown, then the command fails as crash's does
            if (e.files().cut().isPresent()) throw new CommandException("PID " + e.pid() + ": " + e.files().cut().get());
            out.println();
        }
    }
}
