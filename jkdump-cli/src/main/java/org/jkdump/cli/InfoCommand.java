package org.jkdump.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jkdump.format.CpuState;
import org.jkdump.format.DumpDescription;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.MemoryRange;
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
                "  jkdump info dump.1 dump.2                    a split set, opened as one"})
final class InfoCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DUMP", description = "the dump file (several for a --split set)")
    List<Path> dumps;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Option(names = "--vmcoreinfo", description = "print every VMCOREINFO key")
    boolean allVmcoreinfo;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The record {@code info} prints. */
    record DumpInfo(DumpDescription dump, String architecture, String byteOrder, int pageSize, long presentPages,
                    List<Cpu> cpus, String release, String buildId, String crashTime, Map<String, String> vmcoreinfo) {
    }

    record Cpu(int cpu, int pid, String rip, String rsp) {
    }

    private static final List<String> SUMMARY_KEYS = List.of("OSRELEASE", "BUILD-ID", "PAGESIZE", "KERNELOFFSET",
            "CRASHTIME", "NUMBER(phys_base)", "NUMBER(pgtable_l5_enabled)", "SYMBOL(init_top_pgt)", "SYMBOL(_stext)",
            "SYMBOL(prb)", "SYMBOL(log_buf)", "SYMBOL(kallsyms_names)");

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        try (var dump = DumpFiles.open(dumps.toArray(Path[]::new))) {
            var vi = dump.vmcoreinfo();
            var cpus = new ArrayList<Cpu>();
            for (CpuState c : dump.cpuStates())
                cpus.add(new Cpu(c.cpu(), c.pid(), hex(c.registers().rip()), hex(c.registers().rsp())));
            var keys = new LinkedHashMap<String, String>();
            vi.ifPresent(v -> v.entries().forEach((k, val) -> {
                if (allVmcoreinfo || SUMMARY_KEYS.contains(k)) keys.put(k, val);
            }));
            var mem = dump.memory();
            var info = new DumpInfo(dump.describe(), "x86_64", "little-endian", mem.pageSize(), mem.presentCount(), cpus,
                    vi.flatMap(v -> v.osRelease()).orElse(null), vi.flatMap(v -> v.buildId()).orElse(null),
                    vi.flatMap(v -> v.crashTime().isPresent() ? java.util.Optional.of(Instant.ofEpochSecond(v.crashTime().getAsLong()).toString()) : java.util.Optional.empty()).orElse(null),
                    keys);
            if (json) Json.print(out, info);
            else printText(out, info);
        }
        return Main.EXIT_OK;
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
        if (info.crashTime() != null) out.printf("%-16s %s%n", "crash time:", info.crashTime());
        long present = 0, excluded = 0;
        for (MemoryRange r : d.ranges()) {
            present += r.presentPages();
            excluded += r.excludedPages();
        }
        out.printf("%-16s %d ranges, %,d pages present (%,d distinct frames), %,d excluded%n", "memory:",
                d.ranges().size(), present, info.presentPages(), excluded);
        for (MemoryRange r : d.ranges())
            out.printf("  %016x-%016x  %,10d present %,10d excluded%n", r.start(), r.end(), r.presentPages(), r.excludedPages());
        out.printf("%-16s %d%n", "CPUs:", info.cpus().size());
        for (Cpu c : info.cpus())
            out.printf("  CPU %-3d pid %-7d RIP %s  RSP %s%n", c.cpu(), c.pid(), c.rip(), c.rsp());
        if (!info.vmcoreinfo().isEmpty()) {
            out.println(allVmcoreinfo ? "VMCOREINFO:" : "VMCOREINFO (summary; --vmcoreinfo for all):");
            info.vmcoreinfo().forEach((k, v) -> out.printf("  %s=%s%n", k, v));
        }
    }
}
