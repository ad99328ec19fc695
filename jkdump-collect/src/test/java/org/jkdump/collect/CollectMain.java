package org.jkdump.collect;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.jkdump.format.PageCodec;

/** A collect run in a process of its own, for tests that kill it: {@code CollectMain INPUT OUTPUT}. */
public final class CollectMain {
    private CollectMain() {
    }

    public static void main(String[] args) {
        try (var in = CollectInput.open(Path.of(args[0]))) {
            new Collector(in, new Collector.Options(List.of(new DumpLevel(0)), PageCodec.ZLIB, Collector.Format.KDUMP, 1, 64 << 20),
                    new PrintWriter(System.err, true)).collect(new Collector.Output.ToFile(Path.of(args[1])));
        }
    }
}
