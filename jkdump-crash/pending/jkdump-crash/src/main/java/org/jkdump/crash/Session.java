package org.jkdump.crash;

import java.util.List;
import java.util.Objects;
import org.jkdump.kernel.Kernel;
import org.jkdump.kernel.helpers.Taint;
import org.jkdump.kernel.helpers.Tasks;

/**
 * What commands run against: the kernel model over the dump, the context task
 * ({@code set PID}) and the shell's {@link Settings}, plus what is read once and shared
 * by several commands (the task list, the log). The one mutable object of a shell:
 * {@code set} changes the context and settings; the caches fill on first use.
 */
public final class Session implements AutoCloseable {
    /** One log record's first line: seconds since boot and the text. */
    public record LogLine(double seconds, String text) {
    }

    private final Kernel kernel;
    private final String kernelSource;
    private Settings settings = Settings.defaults();
    private Long context;
    private List<Tasks.Task> tasks;
    private TaskTable taskTable;
    private List<LogLine> log;

    /**
     * @param kernelSource what crash's KERNEL line names: the System.map or vmlinux given, or
     *                     the dump's own kallsyms and BTF
     */
    public Session(Kernel kernel, String kernelSource) {
        this.kernel = Objects.requireNonNull(kernel);
        this.kernelSource = kernelSource;
    }

    public Kernel kernel() {
        return kernel;
    }

    public String kernelSource() {
        return kernelSource;
    }

    public Settings settings() {
        return settings;
    }

    public void settings(Settings s) {
        settings = Objects.requireNonNull(s);
    }

    public List<Tasks.Task> tasks() {
        if (tasks == null) tasks = Tasks.all(kernel);
        return tasks;
    }

    TaskTable taskTable() {
        if (taskTable == null) taskTable = TaskTable.build(this);
        return taskTable;
    }

    public List<LogLine> log() {
        if (log == null) log = LogSource.lines(kernel);
        return log;
    }

    public Taint taint() {
        return new Taint(kernel.memory().u64(kernel.symbols().address("tainted_mask")
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
        kernel.dump().close();
    }
}
