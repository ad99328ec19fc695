package org.jkdump.crash;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jkdump.format.DumpFile;
import org.jkdump.kernel.Kernel;
import org.jkdump.kernel.helpers.Cpus;
import org.jkdump.kernel.helpers.Taint;
import org.jkdump.kernel.helpers.Tasks;
import org.jkdump.kernel.unwind.BtfTypeLayouts;
import org.jkdump.kernel.unwind.KernelUnwinder;

/**
 * What commands run against: the dump, the kernel model over it (opened on first use, so
 * {@code help} works on a dump the model cannot read), the context task ({@code set PID}),
 * the shell's {@link Settings}, and what several commands share once read (the task list,
 * the log). The one mutable object of a shell: {@code set} changes the context and settings;
 * the caches fill on first use.
 */
public final class Session implements AutoCloseable {
    /** One log record's first line: seconds since boot and the text. */
    public record LogLine(double seconds, String text) {
    }

    private final DumpFile dump;
    private final Optional<Path> symbolFile;
    private Kernel kernel;
    private Settings settings = Settings.defaults();
    private Long context;
    private List<Tasks.Task> tasks;
    private TaskTable taskTable;
    private List<LogLine> log;
    private KernelUnwinder unwinder;

    public Session(DumpFile dump) {
        this(dump, Optional.empty());
    }

    /** A session whose symbols come from {@code symbolFile} (a System.map or vmlinux) when given. */
    public Session(DumpFile dump, Optional<Path> symbolFile) {
        this.dump = Objects.requireNonNull(dump);
        this.symbolFile = Objects.requireNonNull(symbolFile);
    }

    public DumpFile dump() {
        return dump;
    }

    /** The kernel model over the dump, opened on first use. */
    public Kernel kernel() {
        if (kernel == null) kernel = Kernel.open(dump, symbolFile);
        return kernel;
    }

    /** What crash's KERNEL line names: the symbol file given, or the dump itself. */
    public String kernelSource() {
        return symbolFile.map(Path::toString).orElse("(from the dump: kallsyms, BTF)");
    }

    public Settings settings() {
        return settings;
    }

    public void settings(Settings s) {
        settings = Objects.requireNonNull(s);
    }

    /** Every task, idle tasks included, in pid order. */
    public List<Tasks.Task> tasks() {
        if (tasks == null) tasks = Tasks.all(kernel());
        return tasks;
    }

    TaskTable taskTable() {
        if (taskTable == null) taskTable = TaskTable.build(this);
        return taskTable;
    }

    /** The kernel log's records. */
    public List<LogLine> log() {
        if (log == null) log = LogSource.lines(kernel());
        return log;
    }

    /** The ORC unwinder over the kernel and its modules, built on first use. */
    public KernelUnwinder unwinder() {
        if (unwinder == null) {
            var k = kernel();
            unwinder = KernelUnwinder.open(k.memory(), k.symbols(), new BtfTypeLayouts(k.types()), Cpus.perCpuOffsets(k), dump.cpuStates());
        }
        return unwinder;
    }

    public Taint taint() {
        return new Taint(kernel().memory().u64(kernel().symbols().address("tainted_mask")
                .orElseThrow(() -> new CommandException("symbol tainted_mask not found"))));
    }

    /** The context task's address: set by {@code set}, else the panic task (crash's default). */
    public long context() {
        if (context == null) context = PanicTask.address(this);
        return context;
    }

    public void context(long task) {
        context = task;
    }

    @Override
    public void close() {
        dump.close();
    }
}
