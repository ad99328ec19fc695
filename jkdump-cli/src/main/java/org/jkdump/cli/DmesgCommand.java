package org.jkdump.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.Kernel;
import org.jkdump.kernel.helpers.DmesgFormat;
import org.jkdump.kernel.helpers.Printk;
import org.jkdump.kernel.helpers.PrintkLog;
import org.jkdump.kernel.helpers.PrintkRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jkdump dmesg}: the kernel log of a dump, read with VMCOREINFO alone. */
@Command(name = "dmesg", mixinStandardHelpOptions = true,
        description = {"Print the kernel log held in a dump. Needs only the dump's VMCOREINFO: no vmlinux, no System.map.",
                "Reads the lockless ring buffer of Linux 5.10+ and the record buffer of 3.5-5.9.",
                "The default output is byte-identical to `makedumpfile --dump-dmesg`; `--format vmcore-dmesg` to kexec-tools'"
                        + " vmcore-dmesg."},
        footer = {"", "Examples:",
                "  jkdump dmesg vmcore                      as makedumpfile --dump-dmesg does",
                "  jkdump dmesg --format vmcore-dmesg vmcore",
                "                                           as vmcore-dmesg does",
                "  jkdump dmesg -c -d vmcore                with caller ids and device lines",
                "  jkdump dmesg -o dmesg.txt vmcore.lzo     to a file (.incomplete until done)",
                "  jkdump dmesg --json vmcore               records with sequence, level, caller"})
final class DmesgCommand implements Callable<Integer>, ReadsDumps {
    @Parameters(arity = "1..*", paramLabel = "DUMP", description = "the dump file (several for a --split set)")
    List<Path> dumps;

    @Option(names = "--format", paramLabel = "LAYOUT", completionCandidates = Layouts.class, defaultValue = "makedumpfile",
            description = "text layout: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = {"-c", "--caller-id"},
            description = "add the caller column after the timestamp, [    T123] (task) or [      C1] (CPU), as makedumpfile 1.7.5+ prints it")
    boolean callerIds;

    @Option(names = {"-d", "--device-info"},
            description = "after each dev_printk() record, its origin as /dev/kmsg shows it: a SUBSYSTEM= and a DEVICE= line, each indented by one space")
    boolean deviceInfo;

    @Option(names = "--json", description = "print the records as JSON")
    boolean json;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write to FILE instead of standard output")
    Path output;

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** The --format values. */
    static final class Layouts implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("makedumpfile", "vmcore-dmesg").iterator();
        }
    }

    /** One record as --json prints it; text is decoded as UTF-8. */
    record JsonRecord(Long sequence, long timestampNs, Integer level, Integer facility, String caller, String text,
                      PrintkRecord.TextBlock textBlock, String subsystem, String device) {
        static JsonRecord of(PrintkRecord r) {
            return new JsonRecord(r.sequence().isPresent() ? r.sequence().getAsLong() : null, r.timestampNs(),
                    r.level().isPresent() ? r.level().getAsInt() : null, r.facility().isPresent() ? r.facility().getAsInt() : null,
                    r.caller().map(Object::toString).orElse(null), r.textString(), r.textBlock(),
                    r.device().map(PrintkRecord.DeviceInfo::subsystem).orElse(null), r.device().map(PrintkRecord.DeviceInfo::device).orElse(null));
        }
    }

    /** The --json document. */
    record JsonLog(String dump, PrintkLog.Buffer buffer, List<JsonRecord> records) {
    }

    @Override
    public List<Path> files() {
        var files = new java.util.ArrayList<>(dumps);
        if (output != null) files.add(output);
        return files;
    }

    @Override
    public Integer call() throws IOException {
        var layout = switch (format) {
            case "makedumpfile" -> DmesgFormat.MAKEDUMPFILE;
            case "vmcore-dmesg" -> DmesgFormat.VMCORE_DMESG;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--format must be makedumpfile or vmcore-dmesg, not '" + format + "'");
        };
        String text;
        try (var dump = DumpFiles.open(dumps.toArray(Path[]::new))) {
            var log = Printk.log(Kernel.open(dump));
            if (json) {
                var sw = new StringWriter();
                Json.print(new PrintWriter(sw), new JsonLog(dump.name(), log.buffer(), log.records().stream().map(JsonRecord::of).toList()));
                text = sw.toString();
            } else {
                text = layout.format(log, new DmesgFormat.Options(callerIds, deviceInfo));
            }
        }
        if (output == null) {
            var out = spec.commandLine().getOut();
            out.write(text);
            out.flush();
            if (out.checkError()) throw new JkdumpException("standard output: write failed (closed pipe or full disk)");
        } else {
            TextFiles.write(output, text);
        }
        return Main.EXIT_OK;
    }

}
