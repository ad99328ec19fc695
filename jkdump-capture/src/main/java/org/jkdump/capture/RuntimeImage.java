package org.jkdump.capture;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.spi.ToolProvider;
import org.jkdump.format.JkdumpException;

/**
 * The Java runtime that goes into the capture initramfs: a jlink image with only the modules
 * jkdump uses, without debug data, headers or man pages (about 38 MB, modules zip-compressed and libjvm.so stripped, instead of the JDK's
 * 300). Built once per JDK and module set into {@code CACHE/runtime/<key>} and reused.
 */
public final class RuntimeImage {
    /**
     * What the jkdump jar needs at run time (jdeps of the fat jar): jdk.unsupported for
     * aircompressor's Unsafe; java.management and java.rmi for Apache MINA SSHD, whose session
     * code refers to their exception classes (without them the ssh client's I/O thread dies
     * during key exchange and the connection times out).
     */
    public static final List<String> MODULES = List.of("java.base", "java.logging", "jdk.unsupported", "java.management", "java.rmi");
    /**
     * zip-6: the modules file shrinks from 27.5 to 12.7 MB unpacked, which the capture kernel
     * must hold in memory; the classes a capture loads come from the AOT cache, so inflating
     * the rest costs little.
     */
    static final List<String> OPTIONS = List.of("--strip-debug", "--no-header-files", "--no-man-pages", "--compress", "zip-6");

    private RuntimeImage() {
    }

    /** The cache directory: ${JKDUMP_CACHE:-/var/cache/jkdump}. */
    public static Path cacheDir() {
        String env = System.getenv("JKDUMP_CACHE");
        return Path.of(env == null || env.isBlank() ? "/var/cache/jkdump" : env);
    }

    /** The runtime directory for the running JDK, built with jlink when not cached yet. */
    public static Path ensure(Path cache, PrintWriter log) {
        String key = key();
        Path dir = cache.resolve("runtime").resolve(key);
        if (Files.isRegularFile(dir.resolve("bin/java")) && Files.isRegularFile(dir.resolve("release"))) return dir;
        Path tmp = cache.resolve("runtime").resolve(key + ".tmp");
        try {
            Files.createDirectories(tmp.getParent());
            deleteTree(tmp);
            var args = new ArrayList<>(List.of("--add-modules", String.join(",", MODULES)));
            args.addAll(OPTIONS);
            args.addAll(List.of("--output", tmp.toString()));
            log.println("jkdump: building the capture runtime with jlink " + String.join(" ", args));
            log.flush();
            var jlink = ToolProvider.findFirst("jlink").orElseThrow(() -> new JkdumpException(
                    "jlink is not available in this Java runtime (" + System.getProperty("java.home")
                            + "): run jkdump with a JDK 25, not a JRE"));
            var out = new ByteArrayOutputStream();
            var pw = new PrintWriter(out, true, StandardCharsets.UTF_8);
            int rc = jlink.run(pw, pw, args.toArray(String[]::new));
            if (rc != 0) throw new JkdumpException("jlink failed (exit " + rc + "): " + out.toString(StandardCharsets.UTF_8).strip());
            stripJvm(tmp, log);
            deleteTree(dir);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            return dir;
        } catch (IOException e) {
            throw new JkdumpException(dir + ": cannot build the runtime: " + e.getMessage(), e);
        }
    }

    /**
     * Removes libjvm.so's symbol table (29.8 to 24.8 MB for Temurin 25): the capture kernel
     * unpacks the initramfs into half of a small reservation, and nothing there reads the
     * symbols (the JVM's own error reports name frames from its exported dynamic symbols).
     * binutils' strip does it; without strip the image stays as jlink made it, and says so.
     */
    static void stripJvm(Path image, PrintWriter log) throws IOException {
        Path libjvm = image.resolve("lib/server/libjvm.so");
        if (!Files.isRegularFile(libjvm)) return;
        try {
            var p = new ProcessBuilder("strip", "--strip-unneeded", libjvm.toString()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) throw new JkdumpException(libjvm + ": strip failed: " + output);
        } catch (IOException e) {
            log.println("jkdump: strip (binutils) is not installed: the capture runtime keeps libjvm.so's symbols (5 MB more in the initramfs)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JkdumpException("interrupted while stripping " + libjvm);
        }
    }

    /** JDK version, module set and the stripping, so that a JDK update or another module list gives a new image. */
    static String key() {
        try {
            var md = MessageDigest.getInstance("SHA-256");
            md.update((System.getProperty("java.home") + "|" + Runtime.version() + "|" + MODULES + "|" + OPTIONS + "|strip")
                    .getBytes(StandardCharsets.UTF_8));
            return Runtime.version().feature() + "-" + HexFormat.of().formatHex(md.digest(), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
