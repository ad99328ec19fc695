package org.jkdump.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The dumps made by ../shared/vm under {@code ${JKDUMP_VM_CACHE:-/var/cache/jkdump-vm}/runs}
 * (the cache ../shared/vm/lib.sh uses), each with the run-crash-vm.sh arguments that make
 * it. A missing run is made again (minutes under QEMU/TCG) into RUN.partial and renamed
 * only once its dump is complete, under a lock on the cache that other test JVMs honour
 * too; a run that still cannot be made fails the test with the tail of its log, it is
 * never skipped.
 */
public final class VmRuns {
    /** The VM cache, as ../shared/vm/lib.sh picks it. */
    public static final Path CACHE = cache();
    public static final Path RUNS = CACHE.resolve("runs");
    private static final String LZO = "vmcore.kdump-lzo";
    /** Above run-crash-vm.sh's own QEMU timeout (2400 s) plus its downloads and builds. */
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(60);
    /** The runs' arguments as they were made (run-info.txt of each). */
    private static final Map<String, List<String>> ARGS = Map.ofEntries(
            Map.entry("sysrq2", List.of("--crash", "sysrq")),
            Map.entry("la57", List.of("--crash", "sysrq", "--la57", "--nokaslr", "--no-rawcopy")),
            Map.entry("bug", List.of("--crash", "bug", "--no-rawcopy")),
            Map.entry("panic", List.of("--crash", "panic", "--no-rawcopy")),
            Map.entry("k612", List.of("--kernel", "6.12", "--crash", "sysrq", "--no-rawcopy")),
            Map.entry("k612-full", List.of("--kernel", "6.12", "--crash", "sysrq")),
            Map.entry("k612-oops", List.of("--kernel", "6.12", "--crash", "oops", "--no-rawcopy")),
            Map.entry("qmp", List.of("--crash", "sysrq", "--qmp-dump", "--no-rawcopy")),
            Map.entry("bench4g", List.of("--mem", "4G", "--bench", "--crash", "sysrq")),
            // the ELF core header made by the kernel (kexec_file_load: no low 1 MiB), no KASLR
            Map.entry("k612-kexecs", List.of("--kernel", "6.12", "--crash", "panic", "--nokaslr", "--kexec", "s", "--no-rawcopy")),
            Map.entry("smp4", List.of("--smp", "4", "--mem", "2G", "--crash", "bug", "--kexec", "s", "--no-rawcopy")),
            Map.entry("k612-la57", List.of("--kernel", "6.12", "--la57", "--crash", "oops", "--no-rawcopy")),
            // two of the four CPUs never brought up: present, possible, not online
            Map.entry("maxcpus", List.of("--smp", "4", "--append", "maxcpus=2", "--crash", "sysrq")),
            // the raw /proc/vmcore of a kernel-made ELF core header (kexec_file_load), module oops
            Map.entry("kexecs-full", List.of("--crash", "oops", "--kexec", "s")),
            // 5-level paging with KASLR (the direct map, vmalloc and vmemmap bases randomised)
            Map.entry("la57-kaslr", List.of("--la57", "--crash", "panic", "--kexec", "s", "--no-rawcopy")),
            Map.entry("la57-full", List.of("--la57", "--crash", "sysrq")),
            // RAM above 4 GiB on 6.12 (ZONE_NORMAL), three CPUs
            Map.entry("k612-5g", List.of("--kernel", "6.12", "--mem", "5G", "--smp", "3", "--crash", "sysrq", "--no-rawcopy")),
            // one CPU (nr_cpu_ids 1), BUG() on 6.12, with the raw copy
            Map.entry("k612-smp1", List.of("--kernel", "6.12", "--smp", "1", "--crash", "bug")),
            // the raw /proc/vmcore of 6.12's own ELF core header (kexec_file_load), module oops
            Map.entry("k612-kexecs-full", List.of("--kernel", "6.12", "--crash", "oops", "--kexec", "s")),
            // 6.12 under 5-level paging without KASLR, BUG() on the third of three CPUs, raw copy
            Map.entry("k612-la57-bug", List.of("--kernel", "6.12", "--la57", "--nokaslr", "--crash", "bug", "--kexec", "s", "--smp", "3")),
            // QEMU's dump-guest-memory of a running 6.12 guest under 5-level paging
            Map.entry("k612-la57-qmp", List.of("--kernel", "6.12", "--la57", "--qmp-dump", "--crash", "sysrq", "--no-rawcopy")));

    private VmRuns() {
    }

    private static Path cache() {
        var env = System.getenv("JKDUMP_VM_CACHE");
        return Path.of(env == null || env.isBlank() ? "/var/cache/jkdump-vm" : env).toAbsolutePath();
    }

    /** ../shared/vm beside the project (next to ../shared/fixtures), as CI has it too. */
    public static Path scripts() {
        var dir = Fixtures.root().resolveSibling("vm").normalize();
        assertThat(dir.resolve("lib.sh")).as("the VM scripts (../shared/vm)").isRegularFile();
        return dir;
    }

    /** The run's directory, after making sure its kdump-lzo dump exists. */
    public static Path dir(String name) throws IOException, InterruptedException {
        var args = ARGS.get(name);
        assertThat(args).as("run-crash-vm.sh arguments for run %s", name).isNotNull();
        return dir(name, args.toArray(String[]::new));
    }

    /** The run's directory, made with {@code args} when its kdump-lzo dump is missing. */
    public static Path dir(String name, String... args) throws IOException, InterruptedException {
        var dir = RUNS.resolve(name);
        if (Files.isRegularFile(dir.resolve(LZO))) return dir;
        return locked(() -> {
            if (Files.isRegularFile(dir.resolve(LZO))) return dir; // another test JVM made it meanwhile
            var part = RUNS.resolve(name + ".partial");
            deleteTree(part);
            var cmd = new ArrayList<>(List.of("bash", scripts().resolve("run-crash-vm.sh").toString()));
            cmd.addAll(List.of(args));
            cmd.addAll(List.of("--pcp-high-fraction", "1000000", "--out", part.toString()));
            System.err.printf("VmRuns: %s has no %s: making it (minutes under QEMU/TCG)%n", dir, LZO);
            run(cmd, log("run-" + name), RUN_TIMEOUT);
            assertThat(part.resolve(LZO)).as("%s exited 0 but left no %s", String.join(" ", cmd), LZO).isRegularFile();
            deleteTree(dir); // a run directory without its dump is a run that failed before
            Files.move(part, dir, StandardCopyOption.ATOMIC_MOVE);
            return dir;
        });
    }

    /** The run's kdump-lzo dump (made first when missing). */
    public static Path dump(String name, String... args) throws IOException, InterruptedException {
        return (args.length == 0 ? dir(name) : dir(name, args)).resolve(LZO);
    }

    /**
     * Runs {@code work} holding the cache's lock: one writer at a time (runs made, packages
     * downloaded), whether in this JVM or in another test JVM of the same build.
     */
    public static synchronized <T> T locked(Callable<T> work) throws IOException, InterruptedException {
        Files.createDirectories(RUNS);
        try (var ch = FileChannel.open(CACHE.resolve(".jkdump-tests.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             var lock = ch.lock()) {
            return work.call();
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A log file in the build tree (target/vm-logs), for one host command. */
    public static Path log(String name) throws IOException {
        var dir = Fixtures.work().resolve("vm-logs");
        Files.createDirectories(dir);
        return dir.resolve(name.replace('/', '-') + ".log");
    }

    /**
     * Runs a host command with its output in {@code log}; fails the test, with the log's
     * last lines, when it exits non-zero or outlives {@code timeout} (then it is killed
     * with everything it started, QEMU included).
     */
    public static void run(List<String> cmd, Path log, Duration timeout) throws IOException, InterruptedException {
        var p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("%s: no result after %s, killed; log %s ends:%n%s".formatted(String.join(" ", cmd), timeout, log, tail(log)));
        }
        if (p.exitValue() != 0)
            throw new AssertionError("%s: exit %d; log %s ends:%n%s".formatted(String.join(" ", cmd), p.exitValue(), log, tail(log)));
    }

    public static String tail(Path log) throws IOException {
        var lines = new String(Files.readAllBytes(log), java.nio.charset.StandardCharsets.ISO_8859_1).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (var p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
