package org.jkdump.crash;

import java.util.Objects;
import org.jkdump.format.DumpFile;

/**
 * What commands run against: the dump (and the kernel model over it), the context task
 * ({@code set PID}) and the shell's {@link Settings}. The one mutable object of a shell:
 * {@code set} changes the context and settings; nothing else does.
 */
public final class Session implements AutoCloseable {
    private final DumpFile dump;
    private Settings settings = Settings.defaults();

    public Session(DumpFile dump) {
        this.dump = Objects.requireNonNull(dump);
    }

    public DumpFile dump() {
        return dump;
    }

    public Settings settings() {
        return settings;
    }

    public void settings(Settings s) {
        settings = Objects.requireNonNull(s);
    }

    @Override
    public void close() {
        dump.close();
    }
}
