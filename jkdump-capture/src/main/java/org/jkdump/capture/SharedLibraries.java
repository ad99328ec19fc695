package org.jkdump.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jkdump.format.JkdumpException;

/**
 * The host's shared libraries a set of dynamically linked programs needs (the Java launcher,
 * libjvm.so and the runtime's other libraries need glibc and its loader), as the host's
 * {@code ldd} resolves them. They go into the initramfs at the same paths.
 */
final class SharedLibraries {
    private static final Pattern ARROW = Pattern.compile("=>\\s*(/\\S+)");
    private static final Pattern LOADER = Pattern.compile("^\\s*(/\\S+)\\s+\\(0x");

    private SharedLibraries() {
    }

    /** Absolute paths of every library the ELF files in {@code dir} load, excluding those inside {@code dir}. */
    static List<Path> neededBy(Path dir) {
        var libs = new TreeSet<Path>();
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).filter(SharedLibraries::isElf).toList()) {
                var proc = new ProcessBuilder("ldd", p.toString()).redirectErrorStream(true).start();
                String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                proc.waitFor();
                for (String line : out.split("\n")) {
                    var m = ARROW.matcher(line);
                    var l = LOADER.matcher(line);
                    Path lib = m.find() ? Path.of(m.group(1)) : l.find() ? Path.of(l.group(1)) : null;
                    if (lib != null && !lib.startsWith(dir)) libs.add(lib);
                }
            }
        } catch (IOException e) {
            throw new JkdumpException(dir + ": cannot list shared libraries with ldd: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JkdumpException("interrupted while running ldd");
        }
        return List.copyOf(libs);
    }

    /** Where the host's dynamic loader finds libraries without ld.so.cache (Debian's multiarch directories first). */
    static final List<Path> SYSTEM_DIRS = List.of(Path.of("/lib/x86_64-linux-gnu"), Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/lib64"), Path.of("/usr/lib64"), Path.of("/lib"), Path.of("/usr/lib"));

    /** The host's library of that soname in a system directory (the path as found, maybe a link), if any. */
    static Optional<Path> find(String soname) {
        return SYSTEM_DIRS.stream().map(d -> d.resolve(soname)).filter(Files::isRegularFile).findFirst();
    }

    private static boolean isElf(Path p) {
        try (var in = Files.newInputStream(p)) {
            byte[] m = in.readNBytes(4);
            return m.length == 4 && m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F';
        } catch (IOException e) {
            return false;
        }
    }
}
