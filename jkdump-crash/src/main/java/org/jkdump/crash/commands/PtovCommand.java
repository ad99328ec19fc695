package org.jkdump.crash.commands;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.jkdump.crash.Addresses;
import org.jkdump.crash.CommandException;
import org.jkdump.crash.CommandSpec;
import org.jkdump.crash.CrashCommand;
import org.jkdump.crash.Getopt;
import org.jkdump.crash.Session;
import org.jkdump.crash.UsageException;

/** {@code ptov}: a physical address's kernel virtual address in the direct map. */
public final class PtovCommand implements CrashCommand<PtovCommand.Options, PtovCommand.Result> {
    public record Options(List<String> addresses) {
    }

    public record Mapping(long vaddr, long paddr) {
    }

    public record Result(List<Mapping> mappings) {
    }

    @Override
    public CommandSpec spec() {
        return CommandSpec.of("ptov", "ptov address ...", "physical to virtual",
                """
                Shows where physical addresses appear in the kernel's direct map
                (page_offset_base + address).
                  crash> ptov 31bfb000""").asMinimal();
    }

    @Override
    public Options parse(List<String> args) {
        var g = Getopt.parse("ptov", args, "");
        if (g.operands().isEmpty()) throw new UsageException("ptov", "a physical address is needed");
        return new Options(g.operands());
    }

    @Override
    public Result run(Session session, Options o) {
        var layout = session.kernel().memory().layout();
        var base = layout.pageOffset().orElseThrow(() -> new CommandException("the direct map's base (page_offset_base) is unknown"));
        var out = new ArrayList<Mapping>();
        for (var a : o.addresses()) {
            long paddr = Addresses.hex("ptov", a);
            if (Long.compareUnsigned(paddr, 1L << layout.maxPhysmemBits()) >= 0)
                throw new CommandException("%x: beyond the largest physical address (2^%d)".formatted(paddr, layout.maxPhysmemBits()));
            out.add(new Mapping(base.address() + paddr, paddr));
        }
        return new Result(out);
    }

    @Override
    public void renderText(Result r, PrintWriter out) {
        boolean first = true;
        for (var m : r.mappings()) {
            if (!first) out.println();
            first = false;
            out.println("VIRTUAL           PHYSICAL        ");
            out.println(String.format("%-16x  %-16x", m.vaddr(), m.paddr()));
        }
    }
}
