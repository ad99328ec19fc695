package org.jkdump.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jkdump.collect.CollectInput;
import org.jkdump.collect.CollectReport;
import org.jkdump.collect.Collector;
import org.jkdump.collect.DumpLevel;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.PageCodec;

/**
 * {@code jkdump collect} in the capture, run in-process with the flags of jkdump.conf's
 * core_collector line: the dump level leaves out page classes, the codec compresses what is
 * left, {@code -E} writes an ELF core instead of kdump-compressed. A local target gets a
 * seekable file; a stream (ssh) always gets the flattened format, whatever {@code -F} says.
 * The page pipeline's budget is {@link #MEMORY_BUDGET}: the capture JVM runs with a 64 MiB
 * heap inside about 100 MB that crashkernel=256M leaves free.
 */
public final class JkdumpCollect implements DumpCollector {
    static final long MEMORY_BUDGET = 16L << 20;

    /** The collector's options and message level, from core_collector's flags. */
    record Flags(Collector.Options options, int messageLevel) {
        static Flags parse(List<String> flags) {
            PageCodec codec = PageCodec.NONE;
            boolean elf = false;
            String level = "0";
            int threads = 1, messages = 31;
            for (int i = 0; i < flags.size(); i++) {
                switch (flags.get(i)) {
                    case "-l" -> codec = PageCodec.LZO;
                    case "-c" -> codec = PageCodec.ZLIB;
                    case "-p" -> codec = PageCodec.SNAPPY;
                    case "-z" -> codec = PageCodec.ZSTD;
                    case "-E" -> elf = true;
                    case "-F" -> { } // how the dump travels is the target's choice
                    case "-d" -> level = flags.get(++i);
                    case "--num-threads" -> threads = Integer.parseInt(flags.get(++i));
                    case "--message-level" -> messages = Integer.parseInt(flags.get(++i));
                    default -> throw new JkdumpException("core_collector flag '" + flags.get(i) + "' is not known to the capture");
                }
            }
            var levels = new ArrayList<>(DumpLevel.parseList(level));
            return new Flags(new Collector.Options(levels, codec, elf ? Collector.Format.ELF : Collector.Format.KDUMP, threads, MEMORY_BUDGET), messages);
        }
    }

    @Override
    public long collect(Path vmcore, Path output, List<String> flags, PrintStream console) throws IOException {
        var report = run(vmcore, new Collector.Output.ToFile(output), flags, console);
        return Files.size(output) > 0 ? Files.size(output) : report.bytesWritten();
    }

    @Override
    public long stream(Path vmcore, OutputStream out, List<String> flags, PrintStream console) {
        return run(vmcore, new Collector.Output.Flattened("ssh", out), flags, console).bytesWritten();
    }

    private static CollectReport run(Path vmcore, Collector.Output output, List<String> flags, PrintStream console) {
        var f = Flags.parse(flags);
        var err = new PrintWriter(console, true);
        try (var input = CollectInput.open(vmcore)) {
            var report = new Collector(input, f.options(), err).collect(output);
            if ((f.messageLevel() & 16) != 0) err.print(report.render());
            err.flush();
            return report;
        }
    }

    @Override
    public String streamedName() {
        return "vmcore.flat";
    }

    @Override
    public String name() {
        return "jkdump-collect";
    }
}
