package org.jkdump.capture;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.jkdump.format.JkdumpException;

/**
 * The AOT cache of the capture initramfs (JDK 25: JEPs 483 and 514). In the capture kernel the
 * JVM's own start is the largest part of a capture: reading, parsing, verifying and linking a
 * few thousand classes from the jar and the runtime's modules file, on one CPU. The cache holds
 * them already linked; the JVM maps it and starts in about half the time (0.25 s to 0.13 s on a
 * host, more under emulation).
 *
 * <p>Made on the build host with the initramfs's own runtime and jar (a cache only fits the JVM
 * that made it; it may move to another directory): {@code jkdump capture --aot-training} runs
 * the capture command against a vmcore that is not there (the command line, jkdump.conf, the
 * capture's failure path), then loads the classes of every package a capture goes through
 * ({@link #preload}), so they are in the cache without a crashed kernel to capture.
 */
public final class CaptureAotCache {
    /** Where the capture /init expects it. */
    public static final String PATH_IN_INITRAMFS = "opt/jkdump/jkdump.aot";
    /** The training run's hidden option of {@code jkdump capture}. */
    public static final String TRAINING_OPTION = "--aot-training";
    /** What every capture loads: the program, its command line, the formats, the kernel model, the collector, the codecs. */
    static final List<String> CAPTURE_PACKAGES = List.of("org/jkdump/format/", "org/jkdump/kernel/", "org/jkdump/collect/",
            "org/jkdump/capture/", "org/jkdump/cli/", "picocli/", "io/airlift/compress/");
    /**
     * An ssh target adds the ssh client: MINA SSHD's client and common packages, where a real
     * capture over ssh loaded 730 of its 743 classes (the other 13, in its server and agent
     * packages, load from the jar). Not the server and agent packages' 193 classes: each class
     * in the cache costs reservation memory (about 6 KB).
     */
    static final List<String> SSH_PACKAGES = List.of("org/apache/sshd/client/", "org/apache/sshd/common/", "org/apache/sshd/core/");
    private static final long TRAINING_TIMEOUT_SECONDS = 300;

    private CaptureAotCache() {
    }

    /**
     * Makes the cache for {@code runtime} and {@code jar} with the capture's JVM flags into
     * {@code cacheFile} (which the caller puts into the initramfs at {@link #PATH_IN_INITRAMFS}).
     * Throws with the training's output when the runtime cannot make one: without the cache
     * the capture is slower, and that would only show at crash time.
     */
    public static Path train(Path runtime, Path jar, CaptureConfig config, Path cacheFile) {
        Path work = null;
        try {
            Files.createDirectories(cacheFile.toAbsolutePath().getParent());
            work = Files.createTempDirectory(cacheFile.toAbsolutePath().getParent(), "aot-training");
            Path cache = work.resolve("jkdump.aot"), conf = work.resolve("jkdump.conf"), log = work.resolve("training.log");
            Files.writeString(conf, config.render(), StandardCharsets.UTF_8);
            var cmd = new ArrayList<String>();
            cmd.add(runtime.resolve("bin/java").toString());
            cmd.addAll(InitramfsBuilder.CAPTURE_JVM_FLAGS);
            cmd.add("-XX:AOTCacheOutput=" + cache);
            cmd.addAll(List.of("-jar", jar.toString(), "capture", TRAINING_OPTION, "--config", conf.toString(),
                    "--vmcore", work.resolve("no-vmcore").toString(), "--target-dir", work.resolve("out").toString()));
            var process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(TRAINING_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new JkdumpException("the capture runtime's AOT cache training did not end within " + TRAINING_TIMEOUT_SECONDS + " s");
            }
            if (!Files.isRegularFile(cache) || Files.size(cache) == 0)
                throw new JkdumpException(runtime + ": could not make the capture's AOT cache (exit " + process.exitValue()
                        + "): " + tail(log));
            Files.move(cache, cacheFile, StandardCopyOption.REPLACE_EXISTING);
            return cacheFile;
        } catch (IOException e) {
            throw new JkdumpException(cacheFile + ": cannot make the capture's AOT cache: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JkdumpException("interrupted while making the capture's AOT cache");
        } finally {
            if (work != null) try {
                RuntimeImage.deleteTree(work);
            } catch (IOException e) {
                // a scratch directory left behind is not worth failing the build for
            }
        }
    }

    private static String tail(Path log) throws IOException {
        var lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    }

    /**
     * The training's second half: loads (without initialising) every class of the jar under
     * the packages a capture with {@code config} uses. Returns how many loaded; a class that
     * cannot load here (an optional dependency absent from the runtime) is left out.
     */
    public static int preload(Path jar, CaptureConfig config, ClassLoader loader, PrintWriter log) {
        var prefixes = new ArrayList<>(CAPTURE_PACKAGES);
        if (config.target() instanceof SshTarget) prefixes.addAll(SSH_PACKAGES);
        int loaded = 0, failed = 0;
        try (var zip = new ZipFile(jar.toFile())) {
            for (var entry : Collections.list(zip.entries())) {
                String name = entry.getName();
                if (!name.endsWith(".class") || name.contains("module-info") || prefixes.stream().noneMatch(name::startsWith)) continue;
                try {
                    Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false, loader);
                    loaded++;
                } catch (ClassNotFoundException | LinkageError e) {
                    failed++;
                }
            }
        } catch (IOException e) {
            throw new JkdumpException(jar + ": cannot list its classes: " + e.getMessage(), e);
        }
        log.printf("jkdump capture: AOT training loaded %d classes (%d could not load)%n", loaded, failed);
        return loaded;
    }
}
