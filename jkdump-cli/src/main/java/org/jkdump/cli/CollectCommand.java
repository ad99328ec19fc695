package org.jkdump.cli;

import java.io.BufferedOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jkdump.collect.CollectReport;
import org.jkdump.collect.CollectInput;
import org.jkdump.collect.Collector;
import org.jkdump.collect.DumpLevel;
import org.jkdump.collect.Rebuild;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.PageCodec;
import org.jkdump.kernel.Kernel;
import org.jkdump.kernel.helpers.DmesgFormat;
import org.jkdump.kernel.helpers.Printk;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jkdump collect}: makedumpfile's job with makedumpfile's option letters, so that
 * existing kdump configurations carry over.
 */
@Command(name = "collect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Filter a crash dump by dump level and write it compressed (kdump), as ELF or as a flattened stream.",
                "INPUT is /proc/vmcore or any dump jkdump reads (to re-filter, recompress or convert)."},
        footer = {"", "Dump level bits (-d): 1 zero pages, 2 non-private cache, 4 all cache, 8 user data, 16 free pages;",
                "hwpoison and offline pages are always left out.", "", "Examples:",
                "  jkdump collect -l -d 31 /proc/vmcore /var/crash/vmcore        kdump-compressed, LZO",
                "  jkdump collect -c -d 31,1 /proc/vmcore vmcore                  level 1 when level 31 does not fit",
                "  jkdump collect -c --zlib-bytes -d 31 /proc/vmcore vmcore       the very bytes makedumpfile -c writes",
                "  jkdump collect -E -d 31 vmcore.kdump vmcore.elf                convert to ELF",
                "  jkdump collect -F -l -d 31 /proc/vmcore | ssh host 'jkdump collect -R vmcore'",
                "  jkdump collect --split -d 31 /proc/vmcore dump.1 dump.2",
                "  jkdump collect --reassemble dump.1 dump.2 vmcore"})
final class CollectCommand implements Callable<Integer>, ReadsDumps {
    @Option(names = "-d", paramLabel = "LEVEL[,LEVEL...]", description = "dump level 0..31; a list is tried in order when the output does not fit (default 0)")
    String level = "0";

    @ArgGroup(exclusive = true)
    Codec codec = new Codec();

    static final class Codec {
        @Option(names = "-c", description = "compress pages with zlib") boolean zlib;
        @Option(names = "-l", description = "compress pages with LZO") boolean lzo;
        @Option(names = "-p", description = "compress pages with snappy") boolean snappy;
        @Option(names = "-z", description = "compress pages with zstd") boolean zstd;

        PageCodec codec() {
            return zlib ? PageCodec.ZLIB : lzo ? PageCodec.LZO : snappy ? PageCodec.SNAPPY : zstd ? PageCodec.ZSTD : PageCodec.NONE;
        }
    }

    @Option(names = "--zlib-bytes", description = "with -c, deflate with zlib as makedumpfile does, so that the file is makedumpfile's byte for byte "
            + "(by default the system's libdeflate, when there: faster and no larger)")
    boolean zlibBytes;

    @Option(names = "-E", description = "write an ELF core instead of kdump-compressed")
    boolean elf;

    @Option(names = "-F", description = "write a flattened stream to stdout (for a pipe or ssh)")
    boolean flatten;

    @Option(names = "-R", description = "rebuild a dump file from a flattened stream on stdin")
    boolean rebuild;

    @Option(names = "--dump-dmesg", description = "write the kernel log of INPUT to OUTPUT as text, as makedumpfile --dump-dmesg does")
    boolean dumpDmesg;

    @Option(names = "--split", description = "share the pages out over several output files")
    boolean split;

    @Option(names = "--reassemble", description = "join the files of a --split set into one dump")
    boolean reassemble;

    @Option(names = "--num-threads", paramLabel = "N",
            description = "compression threads (default: the CPUs this process may use, at most 8; the output is identical for any N)")
    int threads = Math.min(8, Runtime.getRuntime().availableProcessors());

    @Option(names = "--message-level", paramLabel = "N", description = "makedumpfile's message level: 0 prints nothing, bit 4 (16) the report (default 31)")
    int messageLevel = 31;

    @Option(names = "--memory-budget", paramLabel = "MiB", description = "memory the page pipeline may use (default 64)")
    long budgetMiB = 64;

    @Parameters(paramLabel = "FILE", description = "INPUT OUTPUT (INPUT OUT1 OUT2... with --split, IN1 IN2... OUTPUT with --reassemble, OUTPUT alone with -R, INPUT alone with -F)")
    List<Path> files = new ArrayList<>();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public List<Path> files() {
        return files;
    }

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        if (rebuild) {
            if (files.size() != 1) throw usage("-R takes one OUTPUT file (the stream comes on stdin)");
            long bytes = Rebuild.fromFlattened(System.in, files.getFirst());
            if (messageLevel != 0) err.printf("The dumpfile is saved to %s (%d bytes).%n", files.getFirst(), bytes);
            return Main.EXIT_OK;
        }
        if (dumpDmesg) {
            if (files.size() != 2) throw usage("--dump-dmesg takes INPUT and OUTPUT");
            try (var dump = DumpFiles.open(files.getFirst())) {
                var text = DmesgFormat.MAKEDUMPFILE.format(Printk.log(Kernel.open(dump)), new DmesgFormat.Options(false, false));
                TextFiles.write(files.getLast(), text);
            }
            if (messageLevel != 0) err.printf("The dmesg log is saved to %s.%n", files.getLast());
            return Main.EXIT_OK;
        }
        if (zlibBytes && codec.codec() != PageCodec.ZLIB) throw usage("--zlib-bytes goes with -c");
        Collector.Options options;
        try {
            var levels = DumpLevel.parseList(level);
            if (messageLevel < 0 || messageLevel > 31)
                throw new JkdumpException("--message-level " + messageLevel + " is not between 0 and 31");
            if (budgetMiB < 0 || budgetMiB > 1L << 30) throw new JkdumpException("--memory-budget " + budgetMiB + " MiB is out of range");
            options = new Collector.Options(levels, codec.codec(), elf ? Collector.Format.ELF : Collector.Format.KDUMP, threads,
                    budgetMiB << 20, zlibBytes);
        } catch (JkdumpException e) {
            throw usage(e.getMessage());  // a wrong option, not a failed collection
        }
        List<Path> inputs;
        Collector.Output output;
        if (flatten) {
            if (files.size() != 1) throw usage("-F takes one INPUT (the stream goes to stdout)");
            inputs = files;
            output = new Collector.Output.Flattened("stdout", new BufferedOutputStream(System.out, 1 << 20));
        } else if (split) {
            if (files.size() < 3) throw usage("--split takes INPUT and at least two output files");
            inputs = files.subList(0, 1);
            output = new Collector.Output.Split(files.subList(1, files.size()));
        } else if (reassemble) {
            if (files.size() < 3) throw usage("--reassemble takes the split files and one OUTPUT");
            inputs = files.subList(0, files.size() - 1);
            output = new Collector.Output.ToFile(files.getLast());
        } else {
            if (files.size() != 2) throw usage("expected INPUT and OUTPUT");
            inputs = files.subList(0, 1);
            output = new Collector.Output.ToFile(files.getLast());
        }
        try (var input = CollectInput.open(inputs.toArray(Path[]::new))) {
            CollectReport report = new Collector(input, options, err).collect(output);
            if ((messageLevel & 16) != 0) err.print(report.render());
            err.flush();
        }
        return Main.EXIT_OK;
    }


    private ParameterException usage(String msg) {
        return new ParameterException(spec.commandLine(), msg);
    }
}
