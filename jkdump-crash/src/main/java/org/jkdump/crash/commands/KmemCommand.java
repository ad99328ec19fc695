package org.jkdump.crash.commands;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import org.jkdump.crash.CommandSpec;
import org.jkdump.crash.CrashCommand;
import org.jkdump.crash.CrashFormat;
import org.jkdump.crash.Getopt;
import org.jkdump.crash.Session;
import org.jkdump.crash.UsageException;
import org.jkdump.kernel.helpers.MemInfo;

/**
 * {@code kmem -i}: the memory summary (total, free, used, shared, buffers, cached, slab,
 * huge pages, swap, commit limit and committed).
 */
public final class KmemCommand implements CrashCommand<KmemCommand.Options, KmemCommand.Result> {
    public record Options(boolean info) {
    }

    public record Result(MemInfo info, int pageSize) {
    }

    @Override
    public CommandSpec spec() {
        return CommandSpec.of("kmem", "kmem -i", "kernel memory",
                """
                -i  memory usage summary as crash prints it: pages, size and percentage of
                    total for free, used, shared, buffers, cached and slab memory, huge pages,
                    swap, and the overcommit limit against committed memory.
                  crash> kmem -i""");
    }

    @Override
    public Options parse(List<String> args) {
        var g = Getopt.parse("kmem", args, "i");
        if (!g.has('i')) throw new UsageException("kmem", "-i is required (other kmem options are not supported yet)");
        return new Options(true);
    }

    @Override
    public Result run(Session session, Options o) {
        var k = session.kernel();
        return new Result(MemInfo.read(k), k.memory().physical().pageSize());
    }

    @Override
    public void renderText(Result r, PrintWriter out) {
        info(r.info(), r.pageSize(), out);
    }

    private static void info(MemInfo m, int ps, PrintWriter out) {
        long total = m.totalRam();
        out.println("                 PAGES        TOTAL      PERCENTAGE");
        out.printf("%13s  %7d  %11s         ----%n", "TOTAL MEM", total, CrashFormat.pagesToSize(total, ps));
        line(out, "FREE", m.free(), total, ps, "TOTAL MEM");
        line(out, "USED", total - m.free(), total, ps, "TOTAL MEM");
        line(out, "SHARED", m.shared(), total, ps, "TOTAL MEM");
        line(out, "BUFFERS", m.buffers(), total, ps, "TOTAL MEM");
        line(out, "CACHED", m.cached(), total, ps, "TOTAL MEM");
        line(out, "SLAB", m.slab(), total, ps, "TOTAL MEM");
        out.println();
        out.printf("%13s  %7d  %11s         ----%n", "TOTAL HUGE", m.hugeTotal(), CrashFormat.pagesToSize(m.hugeTotal(), ps));
        line(out, "HUGE FREE", m.hugeFree(), m.hugeTotal(), ps, "TOTAL HUGE");
        out.println();
        out.printf("%13s  %7d  %11s         ----%n", "TOTAL SWAP", m.swapTotal(), CrashFormat.pagesToSize(m.swapTotal(), ps));
        line(out, "SWAP USED", m.swapTotal() - m.swapFree(), m.swapTotal(), ps, "TOTAL SWAP");
        line(out, "SWAP FREE", m.swapFree(), m.swapTotal(), ps, "TOTAL SWAP");
        out.println();
        out.printf("%13s  %7d  %11s         ----%n", "COMMIT LIMIT", m.commitLimit(), CrashFormat.pagesToSize(m.commitLimit(), ps));
        line(out, "COMMITTED", m.committed(), m.commitLimit(), ps, "TOTAL LIMIT");
    }

    private static void line(PrintWriter out, String name, long pages, long of, int ps, String ofName) {
        long pct = of == 0 ? 0 : pages * 100 / of;
        out.printf("%13s  %7d  %11s  %3d%% of %s%n", name, pages, CrashFormat.pagesToSize(pages, ps), pct, ofName);
    }
}
