package org.jkdump.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jkdump.crash.CrashFormat;
import org.jkdump.format.CpuState;
import org.jkdump.format.DumpDescription;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.MemoryRange;
import org.jkdump.kernel.Kernel;
import org.jkdump.kernel.helpers.MemInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jkdump info}: what a dump file holds, from its headers and notes alone. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Describe a dump: format, producer, header and status, memory ranges, CPUs, kernel release, VMCOREINFO.",
        footer = {"", "Examples:",
                "  jkdump info vmcore",
                "  jkdump info --vmcoreinfo vmcore.kdump-lzo    every VMCOREINFO key",
                "  jkdump info --json vmcore.flat",
                "  jkdump info dump.1 dump.2                    a split set, opened as one",
                "  jkdump info --read-all vmcore                also read (decode) every present page and time it"})
final class InfoCommand implements Callable<Integer>, ReadsDumps {
    @Parameters(arity = "1..*", paramLabel = "DUMP", description = "the dump file (several for a --split set)")
    List<Path> dumps;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Option(names = "--vmcoreinfo", description = "print every VMCOREINFO key")
    boolean allVmcoreinfo;

    @Option(names = "--read-all", description = "read and decode every present page (checks the whole file; prints pages, bytes and MB/s)")
    boolean readAll;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The record {@code info} prints. */
    record DumpInfo(DumpDescription dump, String architecture, String byteOrder, int pageSize, long presentPages,
                    long excludedPages, String memorySize, List<Cpu> cpus, String release, String buildId, String crashTime,
                    String crashDate, Map<String, String> vmcoreinfo, ReadAll readAll) {
    }

    /** What {@code --read-all} measured: every present page read and decoded once, in frame order. */
    record ReadAll(long pages, long bytes, long lostPages, double seconds, double megabytesPerSecond) {
    }

    /** @param pid the task the note names, null where the note's pr_pid is no task's (QEMU's) */
    record Cpu(int cpu, Integer pid, String rip, String rsp) {
    }

    private static final List<String> SUMMARY_KEYS = List.of("OSRELEASE", "BUILD-ID", "PAGESIZE", "KERNELOFFSET",
            "CRASHTIME", "NUMBER(phys_base)", "NUMBER(pgtable_l5_enabled)", "SYMBOL(init_top_pgt)", "SYMBOL(_stext)",
            "SYMBOL(prb)", "SYMBOL(log_buf)", "SYMBOL(kallsyms_names)");

    @Override
    public List<Path> files() {
        return dumps;
    }

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        try (var dump = DumpFiles.open(dumps.toArray(Path[]::new))) {
            var vi = dump.vmcoreinfo();
            var cpus = new ArrayList<Cpu>();
            // QEMU's dump-guest-memory writes the vCPU's number + 1 in pr_pid: no task of the guest's
            boolean qemuNotes = dump.notes().stream().anyMatch(n -> n.name().equals("QEMU"));
            for (CpuState c : dump.cpuStates())
                cpus.add(new Cpu(c.cpu(), qemuNotes ? null : c.pid(), hex(c.registers().rip()), hex(c.registers().rsp())));
            var keys = new LinkedHashMap<String, String>();
            vi.ifPresent(v -> v.entries().forEach((k, val) -> {
                if (allVmcoreinfo || SUMMARY_KEYS.contains(k)) keys.put(k, val);
            }));
            var mem = dump.memory();
            var description = dump.describe();
            long excluded = description.ranges().stream().mapToLong(MemoryRange::excludedPages).sum();
            var crashTime = vi.map(v -> v.crashTime()).filter(t -> t.isPresent()).map(t -> t.getAsLong());
            var info = new DumpInfo(description, "x86_64", "little-endian", mem.pageSize(), mem.presentCount(), excluded,
                    memorySize(dump), cpus,
                    vi.flatMap(v -> v.osRelease()).orElse(null), vi.flatMap(v -> v.buildId()).orElse(null),
                    crashTime.map(t -> CrashFormat.plausibleTime(t) ? Instant.ofEpochSecond(t).toString() : CrashFormat.invalidTime(t)).orElse(null),
                    crashTime.map(CrashFormat::ctime).orElse(null),
                    keys, readAll ? readAll(mem) : null);
            if (json) Json.print(out, info);
            else printText(out, info);
        }
        return Main.EXIT_OK;
    }

    /**
     * The machine's memory as crash's sys prints it: the kernel's present pages of all nodes.
     * Not the span of the dump's physical addresses, which on a QEMU dump reaches the BIOS ROM
     * below 4 GiB whatever the guest's memory. Without a readable kernel (no VMCOREINFO, or
     * its structures not saved) the span it is, and the line says so.
     */
    static String memorySize(org.jkdump.format.DumpFile dump) {
        var mem = dump.memory();
        try {
            if (dump.vmcoreinfo().isPresent())
                return CrashFormat.memorySize(MemInfo.presentPages(Kernel.open(dump)), mem.pageSize());
        } catch (JkdumpException e) {
            // the span below
        }
        return CrashFormat.memorySize(mem.maxPfn(), mem.pageSize()) + " (span of the physical addresses)";
    }

    /** Reads every present page; a lost page is counted, a corrupt one fails the command. */
    private static ReadAll readAll(org.jkdump.format.PhysicalMemory mem) {
        int ps = mem.pageSize();
        byte[] page = new byte[ps];
        long t0 = System.nanoTime();
        long pages = 0, lost = 0;
        var it = mem.presentFrames().iterator();
        while (it.hasNext()) {
            long pfn = it.nextLong();
            try {
                mem.readPage(pfn, page, 0);
                pages++;
            } catch (org.jkdump.format.MissingPageException e) {
                lost++;
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        long bytes = pages * ps;
        return new ReadAll(pages, bytes, lost, s, s > 0 ? bytes / 1e6 / s : 0);
    }

    private static String hex(long v) {
        return String.format("%016x", v);
    }

    private void printText(java.io.PrintWriter out, DumpInfo info) {
        var d = info.dump();
        out.printf("%-16s %s%n", "file:", d.file());
        out.printf("%-16s %s%n", "format:", d.format().text());
        out.printf("%-16s %s%n", "producer:", d.producer());
        d.headerVersion().ifPresent(v -> out.printf("%-16s %d%n", "header version:", v));
        out.printf("%-16s %s%n", "status:", d.statusFlags().isEmpty() ? "complete" : String.join(" ", d.statusFlags()));
        out.printf("%-16s %s, %s, page size %d%n", "machine:", info.architecture(), info.byteOrder(), info.pageSize());
        out.printf("%-16s %s%n", "compression:", d.compression());
        d.dumpLevel().ifPresent(l -> out.printf("%-16s %d%n", "dump level:", l));
        out.printf("%-16s %,d bytes%n", "file size:", d.fileSize());
        if (info.release() != null) out.printf("%-16s %s%n", "release:", info.release());
        if (info.buildId() != null) out.printf("%-16s %s%n", "build id:", info.buildId());
        if (info.crashTime() != null) out.printf("%-16s %s (%s)%n", "crash time:", info.crashDate(), info.crashTime());
        out.printf("%-16s %s%n", "memory size:", info.memorySize());
        out.printf("%-16s %d ranges, %,d pages present, %,d excluded%n", "memory:", d.ranges().size(),
                info.presentPages(), info.excludedPages());
        for (MemoryRange r : d.ranges())
            out.printf("  %016x-%016x  %,10d present %,10d excluded%n", r.start(), r.end(), r.presentPages(), r.excludedPages());
        if (info.readAll() != null) {
            var ra = info.readAll();
            out.printf("%-16s %,d pages (%,d bytes) read in %.3f s, %.1f MB/s%s%n", "read-all:", ra.pages(), ra.bytes(),
                    ra.seconds(), ra.megabytesPerSecond(), ra.lostPages() > 0 ? String.format(", %,d lost", ra.lostPages()) : "");
        }
        out.printf("%-16s %d%n", "CPUs:", info.cpus().size());
        for (Cpu c : info.cpus())
            out.printf("  CPU %-3d pid %-7s RIP %s  RSP %s%n", c.cpu(), c.pid() == null ? "-" : c.pid(), c.rip(), c.rsp());
        if (!info.vmcoreinfo().isEmpty()) {
            out.println(allVmcoreinfo ? "VMCOREINFO:" : "VMCOREINFO (summary; --vmcoreinfo for all):");
            info.vmcoreinfo().forEach((k, v) -> out.printf("  %s=%s%n", k, v));
        }
    }
}
