package org.jkdump.format;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.tukaani.xz.XZInputStream;

/**
 * The real dumps of ../shared/fixtures, found through the system property
 * {@code jkdump.fixtures} that the parent POM sets. A missing fixture fails the test that
 * asks for it; nothing is skipped silently. {@code vmcore.elf.xz} is unpacked once into
 * the root build tree ({@code target/fixtures}) and reused.
 */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path root() {
        var dir = System.getProperty("jkdump.fixtures");
        if (dir == null) throw new IllegalStateException("system property jkdump.fixtures is not set (run the tests through Maven)");
        var p = Path.of(dir);
        if (!Files.isDirectory(p)) throw new IllegalStateException("fixtures directory " + p + " does not exist");
        return p;
    }

    /** A file under the fixtures directory, e.g. {@code file("kdump-sysrq", "vmcore.kdump-zlib")}. */
    public static Path file(String first, String... more) {
        var p = root().resolve(Path.of(first, more));
        if (!Files.exists(p)) throw new IllegalStateException("fixture " + p + " is missing");
        return p;
    }

    public static String text(String first, String... more) {
        try {
            return Files.readString(file(first, more), java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path sysrq(String name) {
        return file("kdump-sysrq", name);
    }

    public static Path oops(String name) {
        return file("kdump-oops-module", name);
    }

    /** The build tree shared by all modules: {@code <root>/target}. */
    public static Path work() {
        var root = System.getProperty("jkdump.root");
        return (root == null ? Path.of("target") : Path.of(root, "target")).toAbsolutePath();
    }

    /** kdump-sysrq's ELF, unpacked from vmcore.elf.xz on first use (under a file lock). */
    public static synchronized Path sysrqElf() {
        var xz = sysrq("vmcore.elf.xz");
        var out = work().resolve("fixtures/kdump-sysrq/vmcore.elf");
        try {
            Files.createDirectories(out.getParent());
            try (var lockCh = FileChannel.open(out.resolveSibling("unpack.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 var lock = lockCh.lock()) {
                if (Files.exists(out) && Files.size(out) == 120_227_364L) return out;
                var tmp = out.resolveSibling("vmcore.elf.part");
                try (var in = new XZInputStream(new BufferedInputStream(Files.newInputStream(xz), 1 << 20))) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return out;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + xz, e);
        }
    }
}
