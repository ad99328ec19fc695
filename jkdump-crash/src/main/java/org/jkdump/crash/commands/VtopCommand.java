package org.jkdump.crash.commands;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jkdump.crash.Addresses;
import org.jkdump.crash.CommandException;
import org.jkdump.crash.CommandSpec;
import org.jkdump.crash.CrashCommand;
import org.jkdump.crash.CrashFormat;
import org.jkdump.crash.Getopt;
import org.jkdump.crash.Session;
import org.jkdump.crash.UsageException;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.helpers.MemInfo;
import org.jkdump.kernel.helpers.PageStruct;
import org.jkdump.kernel.x86.PageTableLevel;

/**
 * {@code vtop}: a kernel virtual address walked through the page tables as crash shows it —
 * the physical address, every entry read on the way, the leaf entry's flags and the
 * {@code struct page} of the physical page.
 */
public final class VtopCommand implements CrashCommand<VtopCommand.Options, VtopCommand.Result> {
    /** The page line's PHYSICAL column is at least as wide as its header. */
    private static final int MIN_PHYSICAL_WIDTH = "PHYSICAL".length();

    /** @param task {@code -c PID|TASK}: whose user space; empty for the context task */
    public record Options(List<String> addresses, boolean user, boolean kernel, Optional<String> task) {
    }

    /** One entry of the walk: level, the physical address it was read from, its value. */
    public record Entry(String level, long address, long value) {
    }

    /**
     * One address translated.
     *
     * @param topTable the kernel's top-level table (init_top_pgt) as a virtual address
     * @param page     the {@code struct page} of the physical page, when it could be read
     */
    public record Translation(long vaddr, long paddr, long topTable, List<Entry> entries, long pageSize,
                              long pageBase, List<String> leafFlags, Optional<PageStruct> page, boolean user,
                              Optional<org.jkdump.kernel.helpers.Vmas.Vma> vma) {
    }

    /**
     * @param paddrWidth crash's PADDR_PRLEN: the hex digits of the memory size (the nodes'
     *                   present pages), the width of the page line's PHYSICAL column
     */
    public record Result(List<Translation> translations, int paddrWidth) {
    }

    @Override
    public CommandSpec spec() {
        return CommandSpec.of("vtop", "vtop [-c pid | taskp] [-u|-k] address ...", "virtual to physical",
                """
                Translates kernel virtual addresses (the image, the direct map, vmalloc,
                vmemmap, modules) by walking the kernel's page tables, showing every entry,
                the mapping page's flags and its struct page. A user address (or -u) walks the
                context task's page tables (-c PID or task: another task's) and shows its VMA.
                  crash> vtop ffffffffb85fb000
                  crash> vtop init_uts_ns""").asMinimal();
    }

    @Override
    public Options parse(List<String> args) {
        var g = Getopt.parse("vtop", args, "kuc:");
        if (g.has('u') && g.has('k')) throw new UsageException("vtop", "-u and -k exclude each other");
        if (g.operands().isEmpty()) throw new UsageException("vtop", "an address is needed");
        return new Options(g.operands(), g.has('u') || g.has('c'), g.has('k'), g.value('c'));
    }

    @Override
    public Result run(Session session, Options o) {
        var kernel = session.kernel();
        var mem = kernel.memory();
        var out = new ArrayList<Translation>();
        for (var a : o.addresses()) {
            long vaddr = Addresses.parse(session, a);
            boolean user = o.user() || (vaddr >= 0 && !o.kernel());
            org.jkdump.kernel.x86.PageWalk walk;
            Optional<org.jkdump.kernel.helpers.Vmas.Vma> vma = Optional.empty();
            long top = mem.layout().topTable();
            if (user) {
                if (vaddr < 0) throw new CommandException("%x: not a user address".formatted(vaddr));
                var task = o.task().map(w -> TaskCommand.find(session, w))
                        .orElseGet(() -> session.tasks().stream().filter(t -> t.address() == session.context()).findFirst().orElseThrow());
                if (task.mm() == 0) throw new CommandException("PID %d is a kernel thread: it has no user space".formatted(task.pid()));
                long pgd = kernel.object("struct mm_struct", task.mm()).member("pgd").asUnsigned();
                top = pgd;
                try {
                    walk = mem.forPageTable(pgd).walk(vaddr);
                    vma = org.jkdump.kernel.helpers.Vmas.of(kernel, task.mm()).stream()
                            .filter(v -> Long.compareUnsigned(vaddr, v.start()) >= 0 && Long.compareUnsigned(vaddr, v.end()) < 0).findFirst();
                } catch (JkdumpException e) {
                    throw new CommandException("%x: %s".formatted(vaddr, e.getMessage()), e);
                }
            } else {
                walk = mem.walk(vaddr);
            }
            var entries = walk.entries().stream().map(e -> new Entry(e.level().name(), e.address(), e.value())).toList();
            Optional<PageStruct> page;
            try {
                page = Optional.of(PageStruct.of(kernel, walk.paddr()));
            } catch (JkdumpException e) {
                page = Optional.empty();  // vtop still shows the walk; the page line is left out
            }
            out.add(new Translation(vaddr, walk.paddr(), top, entries, walk.pageSize(),
                    walk.paddr() & -walk.pageSize(), walk.leaf().flagNames(), page, user, vma));
        }
        return new Result(out, paddrWidth(session));
    }

    /** PADDR_PRLEN as crash's vm_init() sets it: the length of the memory size in hex (x86-64 has no max_mapnr). */
    private static int paddrWidth(Session session) {
        var k = session.kernel();
        try {
            return Long.toHexString(MemInfo.presentPages(k) * k.memory().physical().pageSize()).length();
        } catch (JkdumpException e) {
            return MIN_PHYSICAL_WIDTH;  // the node data is unreadable: the column keeps its header's width
        }
    }

    @Override
    public void renderText(Result r, PrintWriter out) {
        boolean first = true;
        for (var t : r.translations()) {
            if (!first) out.println();
            first = false;
            // a user address gets a narrower column, and every entry as an entry (crash's uvtop)
            int width = t.user() ? 10 : 16;
            out.println(String.format("%-" + width + "s  %-16s", "VIRTUAL", "PHYSICAL"));
            out.println(String.format("%-" + width + "x  %-16x", t.vaddr(), t.paddr()));
            out.println();
            if (!t.user()) out.println(String.format("PGD DIRECTORY: %x", t.topTable()));
            for (var e : t.entries()) {
                // crash shows the kernel's top-level entry by value only, as the page directory
                if (!t.user() && e.level().equals(PageTableLevel.PGD.name())) out.println(String.format("PAGE DIRECTORY: %x", e.value()));
                else out.println(String.format("%6s: %x => %x", e.level(), e.address(), e.value()));
            }
            var size = t.pageSize() == 1L << 30 ? "  (1GB)" : t.pageSize() == 2L << 20 ? "  (2MB)" : t.user() ? "  " : "";
            out.println(String.format("  PAGE: %x%s", t.pageBase(), size));
            out.println();
            long leaf = t.entries().getLast().value();
            // crash's translate_pte(): each column as wide as its value or its title, the titles
            // centred to the left, the values to the right
            var pte = Long.toHexString(leaf);
            var phys = Long.toHexString(t.pageBase());
            int pteWidth = Math.max(pte.length(), "PTE".length()), physWidth = Math.max(phys.length(), "PHYSICAL".length());
            out.println(CrashFormat.center("PTE", pteWidth) + "  " + CrashFormat.center("PHYSICAL", physWidth) + "  FLAGS");
            out.println(CrashFormat.centerRight(pte, pteWidth) + "  " + CrashFormat.centerRight(phys, physWidth) + "  ("
                    + String.join("|", t.leafFlags()) + ")");
            if (t.vma().isPresent()) {
                var v = t.vma().get();
                out.println();
                out.println("      VMA           START       END     FLAGS FILE");
                out.println(String.format("%016x %10x %10x %x %s", v.address(), v.start(), v.end(), v.flags(), v.file()));
            }
            if (t.page().isPresent()) {
                var p = t.page().get();
                out.println();
                int w = Math.max(MIN_PHYSICAL_WIDTH, r.paddrWidth());
                out.println("      PAGE       " + " ".repeat(w - MIN_PHYSICAL_WIDTH) + "PHYSICAL      MAPPING       INDEX CNT FLAGS");
                var line = String.format("%16x %" + w + "x %16x %8s %2d %x", p.address(), p.physical(), p.mapping(),
                        p.index().isPresent() ? Long.toString(p.index().getAsLong()) : "-", p.refcount(), p.flags());
                out.println(p.flagNames().isEmpty() ? line : line + " " + String.join(",", p.flagNames()));
            }
        }
    }
}
