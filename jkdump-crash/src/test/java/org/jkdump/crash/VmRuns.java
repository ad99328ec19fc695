package org.jkdump.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The dumps made by ../shared/vm under /var/cache/jkdump-vm/runs, each with the
 * run-crash-vm.sh arguments that make it. A missing run is made again (minutes under
 * QEMU/TCG); a run that still cannot be made fails the test, it is never skipped.
 */
public final class VmRuns {
    public static final Path RUNS = Path.of("/var/cache/jkdump-vm/runs");
    private static final Path RUN_VM = Path.of("/work/shared/vm/run-crash-vm.sh");
    /** The runs' arguments as they were made (run-info.txt of each). */
    private static final Map<String, List<String>> ARGS = Map.of(
            "sysrq2", List.of("--crash", "sysrq"),
            "la57", List.of("--crash", "sysrq", "--la57", "--nokaslr", "--no-rawcopy"),
            "bug", List.of("--crash", "bug", "--no-rawcopy"),
            "panic", List.of("--crash", "panic", "--no-rawcopy"),
            "k612", List.of("--kernel", "6.12", "--crash", "sysrq", "--no-rawcopy"),
            "k612-full", List.of("--kernel", "6.12", "--crash", "sysrq"),
            "k612-oops", List.of("--kernel", "6.12", "--crash", "oops", "--no-rawcopy"));

    private VmRuns() {
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
        var dump = dir.resolve("vmcore.kdump-lzo");
        if (Files.isRegularFile(dump)) return dir;
        var cmd = new ArrayList<>(List.of(RUN_VM.toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--pcp-high-fraction", "1000000", "--out", dir.toString()));
        var log = Files.createTempFile("jkdump-vm-" + name, ".log");
        var p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(45, TimeUnit.MINUTES);
        if (!done) p.destroyForcibly();
        assertThat(dump).as("%s made no %s (exit %s, log %s)", String.join(" ", cmd), dump, done ? p.exitValue() : "timeout", log)
                .isRegularFile();
        return dir;
    }

    /** The run's kdump-lzo dump (made first when missing). */
    public static Path dump(String name, String... args) throws IOException, InterruptedException {
        return (args.length == 0 ? dir(name) : dir(name, args)).resolve("vmcore.kdump-lzo");
    }
}
