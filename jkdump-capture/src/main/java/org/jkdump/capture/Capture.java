package org.jkdump.capture;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import org.jkdump.format.JkdumpException;

/**
 * {@code jkdump capture}, run by the capture kernel's /init: saves the crashed kernel's memory
 * from /proc/vmcore to the configured target. Order, as kdump-utils: kdump_pre, then
 * vmcore-dmesg.txt (cheap, and what survives when the dump does not), then the dump through
 * the collector into {@code <path>/<host>-<date>/vmcore-incomplete}, renamed to
 * {@code vmcore} only once it is complete, then kdump_post. The result goes to the console as
 * one {@link CaptureResult#statusLine()}.
 */
public final class Capture {
    static final DateTimeFormatter DIR_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH:mm:ss");
    public static final String INCOMPLETE = "vmcore-incomplete", COMPLETE = "vmcore", DMESG = "vmcore-dmesg.txt",
            DMESG_INCOMPLETE = "vmcore-dmesg-incomplete.txt";

    private final CaptureConfig config;
    private final DumpCollector collector;
    private final DmesgWriter dmesg;
    private final PrintStream console;

    public Capture(CaptureConfig config, DumpCollector collector, DmesgWriter dmesg, PrintStream console) {
        this.config = config;
        this.collector = collector;
        this.dmesg = dmesg;
        this.console = console;
    }

    /**
     * Captures {@code vmcore} into {@code targetDir} (the target's directory as this kernel
     * sees it, already mounted). Never throws for a failed capture: the result says what failed.
     */
    public CaptureResult run(Path vmcore, Path targetDir) {
        return run(vmcore, name -> new LocalDirectory(targetDir.resolve(name)));
    }

    /** Captures {@code vmcore} to the configured target: a local directory, or over ssh. */
    public CaptureResult run(Path vmcore, Target target, Path localTargetDir) {
        return switch (target) {
            case LocalTarget t -> run(vmcore, localTargetDir);
            case SshTarget t -> run(vmcore, name -> SshDirectory.connect(t, name));
        };
    }

    /**
     * Captures {@code vmcore} into the dump directory {@code opener} opens. A local directory
     * gets the collector's seekable format; a remote one its streamed (flattened) format.
     */
    public CaptureResult run(Path vmcore, DumpDirectory.Opener opener) {
        String name = hostName() + "-" + LocalDateTime.now().format(DIR_DATE);
        String location = name;
        Path path = Path.of(name);
        String dmesgStatus = "skipped: not run";
        try {
            if (!Files.exists(vmcore))
                throw new JkdumpException(vmcore + ": absent: this is not a capture kernel (no crashed kernel's memory to save)");
            config.kdumpPre().ifPresent(p -> hook(p, List.of()));
            // where a capture's time goes: JVM start-up (slow under emulation), the log, the dump
            console.printf("jkdump capture: running %.2f s after the JVM started (%s)%n", sinceJvmStart(), classSource());
            try (DumpDirectory dir = opener.open(name)) {
                location = dir.location();
                path = dir.path();
                dir.create();
                dmesgStatus = writeDmesg(vmcore, dir);
                long t0 = System.nanoTime();
                console.printf("jkdump capture: saving %s (%,d bytes) to %s/%s with %s%n", vmcore, Files.size(vmcore), location, INCOMPLETE, collector.name());
                long bytes;
                String complete;
                if (dir.localPath().isPresent()) {
                    bytes = collector.collect(vmcore, dir.localPath().get().resolve(INCOMPLETE), config.collectorFlags(), console);
                    complete = COMPLETE;
                } else {
                    try (var out = dir.create(INCOMPLETE)) {
                        bytes = collector.stream(vmcore, out, config.collectorFlags(), console);
                    }
                    complete = collector.streamedName();
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                dir.rename(INCOMPLETE, complete);
                var result = new CaptureResult(true, path, location, Optional.of(path.resolve(complete)), bytes, secs,
                        bytes / 1e6 / Math.max(secs, 1e-9), collector.name(), dmesgStatus, null);
                config.kdumpPost().ifPresent(p -> hook(p, List.of("0")));
                return result;
            }
        } catch (IOException | RuntimeException e) {
            String why = e instanceof JkdumpException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
            console.println("jkdump capture: FAILED: " + why);
            config.kdumpPost().ifPresent(p -> {
                try {
                    hook(p, List.of("1"));
                } catch (RuntimeException ignored) {
                    console.println("jkdump capture: kdump_post failed too: " + ignored.getMessage());
                }
            });
            return new CaptureResult(false, path, location, Optional.empty(), 0, 0, 0, collector.name(), dmesgStatus, why);
        }
    }

    private String writeDmesg(Path vmcore, DumpDirectory dir) {
        try {
            byte[] text = dmesg.read(vmcore).getBytes(StandardCharsets.US_ASCII);
            try (var out = dir.create(DMESG_INCOMPLETE)) {
                out.write(text);
            }
            dir.rename(DMESG_INCOMPLETE, DMESG);
            long lines = 0;
            for (byte b : text) if (b == '\n') lines++;
            console.printf("jkdump capture: %s/%s: %d lines (%.2f s after the JVM started)%n", dir.location(), DMESG, lines, sinceJvmStart());
            return "ok " + lines + "-lines";
        } catch (IOException | RuntimeException e) {
            // the dump is still worth saving when the log cannot be read
            console.println("jkdump capture: vmcore-dmesg.txt failed: " + e.getMessage());
            return "failed: " + e.getMessage();
        }
    }

    private void hook(String script, List<String> args) {
        var cmd = new java.util.ArrayList<>(List.of("/bin/sh", script));
        cmd.addAll(args);
        try {
            int rc = new ProcessBuilder(cmd).inheritIO().start().waitFor();
            if (rc != 0) throw new JkdumpException(script + ": exited with status " + rc);
        } catch (IOException e) {
            throw new JkdumpException(script + ": cannot run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JkdumpException(script + ": interrupted");
        }
    }

    private static double sinceJvmStart() {
        return ProcessHandle.current().info().startInstant()
                .map(t -> java.time.Duration.between(t, java.time.Instant.now()).toMillis() / 1000.0).orElse(Double.NaN);
    }

    /**
     * Whether the JVM maps a class archive: "sharing" in java.vm.info. The capture runtime has
     * no default CDS archive, so there it means the initramfs's AOT cache; without it the
     * capture still runs, only slower, and this line is where that shows.
     */
    static String classSource() {
        return System.getProperty("java.vm.info", "").contains("sharing") ? "classes from the AOT cache" : "no AOT cache: classes from the jar";
    }

    /** kdump-utils names the directory after the host; an initramfs often has none set. */
    static String hostName() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!h.isEmpty() && !h.equals("(none)")) return h;
        } catch (IOException e) {
            // fall through: not Linux, or /proc not mounted
        }
        return "localhost";
    }
}
