package org.jkdump.crash.commands;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jkdump.crash.CommandException;
import org.jkdump.crash.CommandSpec;
import org.jkdump.crash.CrashCommand;
import org.jkdump.crash.CrashFormat;
import org.jkdump.crash.Getopt;
import org.jkdump.crash.Session;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.helpers.MmUsage;
import org.jkdump.kernel.helpers.Vmas;

/** {@code vm}: a task's mm, page directory, RSS and total size, and its memory areas with the files they map. */
public final class VmCommand implements CrashCommand<VmCommand.Options, VmCommand.Result> {
    private static final long PAGE_KB = 4;

    public record Options(List<String> tasks) {
    }

    /**
     * {@code mm} 0 for a kernel thread, which has no areas; {@code cut} says what could not be
     * read when the dump lacks an area (then {@code vmas} holds those before it).
     */
    public record Entry(int pid, long task, int cpu, String comm, long mm, long pgd, long rssKb, long totalVmKb, List<Vmas.Vma> vmas,
                        Optional<String> cut) {
    }

    public record Result(List<Entry> tasks) {
    }

    @Override
    public CommandSpec spec() {
        return CommandSpec.of("vm", "vm [pid | taskp] ...", "virtual memory",
                """
                Shows the context task's (or each given task's) mm_struct, page directory, RSS and
                total virtual size, then each memory area: vm_area_struct, start, end, flags and
                the file it maps.
                  crash> vm 143""");
    }

    @Override
    public Options parse(List<String> args) {
        return new Options(Getopt.parse("vm", args, "").operands());
    }

    @Override
    public Result run(Session session, Options o) {
        var k = session.kernel();
        var out = new ArrayList<Entry>();
        for (var t : TaskSelection.of(session, o.tasks())) {
            if (t.mm() == 0) {
                out.add(new Entry(t.pid(), t.address(), t.cpu(), t.comm(), 0, 0, 0, 0, List.of(), Optional.empty()));
                continue;
            }
            try {
                var usage = MmUsage.of(k, t, session.tasks());
                long pgd = k.object("struct mm_struct", t.mm()).member("pgd").asUnsigned();
                var areas = Vmas.read(k, t.mm());
                out.add(new Entry(t.pid(), t.address(), t.cpu(), t.comm(), t.mm(), pgd, usage.rssPages() * PAGE_KB,
                        usage.totalVmPages() * PAGE_KB, areas.vmas(), areas.cut()));
                // like crash, the first task whose areas the dump lacks ends the command
                if (areas.cut().isPresent()) break;
            } catch (JkdumpException e) {
                throw new CommandException("PID " + t.pid() + ": " + e.getMessage(), e);
            }
        }
        return new Result(out);
    }

    @Override
    public void renderText(Result r, PrintWriter out) {
        boolean subsequent = false;
        for (var e : r.tasks()) {
            // crash separates the tasks with a blank line
            if (subsequent) out.println();
            subsequent = true;
            out.println(Bt.header(e.pid(), e.task(), e.cpu(), e.comm()));
            out.println("       MM               PGD          RSS    TOTAL_VM");
            // crash's PRINT_VM_DATA: each value centred in its column (mm, pgd 16, RSS 6, TOTAL_VM 8)
            out.println(String.join("  ", CrashFormat.center(Long.toHexString(e.mm()), 16), CrashFormat.center(Long.toHexString(e.pgd()), 16),
                    CrashFormat.center(e.rssKb() + "k", 6), CrashFormat.center(e.totalVmKb() + "k", 8)));
            if (e.mm() == 0) continue;
            out.println("      VMA           START       END     FLAGS FILE");
            for (var v : e.vmas())
                out.println(String.format("%016x %10x %10x %x %s", v.address(), v.start(), v.end(), v.flags(), v.file()));
            if (e.cut().isPresent()) throw new CommandException("PID " + e.pid() + ": " + e.cut().get());
        }
    }
}
