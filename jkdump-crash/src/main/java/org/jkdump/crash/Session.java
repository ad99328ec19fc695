package org.jkdump.crash;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jkdump.format.DumpFile;
import org.jkdump.kernel.Kernel;

/**
 * What commands run against: the dump, the kernel model over it (opened on first use, so
 * {@code help} works on a dump the model cannot read), the context task ({@code set PID})
 * and the shell's {@link Settings}. The one mutable object of a shell: {@code set} changes
 * the context and settings; nothing else does.
 */
public final class Session implements AutoCloseable {
    private final DumpFile dump;
    private final Optional<Path> symbolFile;
    private Kernel kernel;
    private Settings settings = Settings.defaults();
    private OptionalLong context = OptionalLong.empty();

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

    /** The context task's address, once {@code set} chose one. */
    public OptionalLong context() {
        return context;
    }

    public void context(long task) {
        context = OptionalLong.of(task);
    }

    @Override
    public void close() {
        dump.close();
    }
}
