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
import org.jkdump.crash.CommandException;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.helpers.MemInfo;
import org.jkdump.kernel.helpers.Slabs;

/**
 * {@code kmem -i}: the memory summary (total, free, used, shared, buffers, cached, slab,
 * huge pages, swap, commit limit and committed); {@code kmem -s}: the SLUB caches with their
 * object size, objects in use and in total, slabs and slab size ({@link Slabs}).
 */
public final class KmemCommand implements CrashCommand<KmemCommand.Options, KmemCommand.Result> {
    /** @param info -i; otherwise -s */
    public record Options(boolean info) {
    }

    /** {@code info} for -i, {@code caches} for -s; the other is empty. */
    public record Result(Optional<MemInfo> info, int pageSize, List<Slabs.Cache> caches) {
    }

    @Override
    public CommandSpec spec() {
        return CommandSpec.of("kmem", "kmem -i | -s", "kernel memory",
                """
                -i  memory usage summary as crash prints it: pages, size and percentage of
                    total for free, used, shared, buffers, cached and slab memory, huge pages,
                    swap, and the overcommit limit against committed memory.
                -s  the SLUB caches: struct kmem_cache, object size, objects allocated and in
                    total, slabs, slab size and name (ALLOCATED is "?" when a slab the count
                    needs is missing from the dump)
                  crash> kmem -i
                  crash> kmem -s""");
    }

    @Override
    public Options parse(List<String> args) {
        var g = Getopt.parse("kmem", args, "is");
        if (g.has('i') == g.has('s')) throw new UsageException("kmem", "one of -i and -s is needed (other kmem options are not supported yet)");
        return new Options(g.has('i'));
    }

    @Override
    public Result run(Session session, Options o) {
        var k = session.kernel();
        int ps = k.memory().physical().pageSize();
        if (o.info()) return new Result(Optional.of(MemInfo.read(k)), ps, List.of());
        try {
            return new Result(Optional.empty(), ps, Slabs.all(k));
        } catch (JkdumpException e) {
            throw new CommandException(e.getMessage(), e);
        }
    }

    @Override
    public void renderText(Result r, PrintWriter out) {
        if (r.info().isPresent()) {
            info(r.info().get(), r.pageSize(), out);
            return;
        }
        out.println("CACHE             OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE  NAME");
        for (var c : r.caches()) {
            // crash reports a freelist it could not follow to its end before the cache's row
            for (var b : c.freelistBreaks())
                out.printf("kmem: %s: slab: %x %s: %x%n", c.name(), b.slab(), b.duplicate() ? "duplicate freelist object" : "invalid freepointer", b.slot());
            out.printf("%016x %8d  %9s  %8d  %5d  %4dk  %s%n", c.address(), c.objectSize(),
                    c.allocated() < 0 ? "?" : Long.toString(c.allocated()), c.total(), c.slabs(), c.slabSize() / 1024, c.name());
        }
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
