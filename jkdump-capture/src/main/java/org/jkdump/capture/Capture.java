package org.jkdump.capture;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
    public static final String INCOMPLETE = "vmcore-incomplete", COMPLETE = "vmcore", DMESG = "vmcore-dmesg.txt";

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
        Path dir = targetDir.resolve(hostName() + "-" + LocalDateTime.now().format(DIR_DATE));
        String dmesgStatus = "skipped: not run";
        try {
            if (!Files.exists(vmcore))
                throw new JkdumpException(vmcore + ": absent: this is not a capture kernel (no crashed kernel's memory to save)");
            config.kdumpPre().ifPresent(p -> hook(p, List.of()));
            Files.createDirectories(dir);
            dmesgStatus = writeDmesg(vmcore, dir);
            Path incomplete = dir.resolve(INCOMPLETE);
            long t0 = System.nanoTime();
            console.printf("jkdump capture: saving %s (%,d bytes) to %s with %s%n", vmcore, Files.size(vmcore), incomplete, collector.name());
            long bytes = collector.collect(vmcore, incomplete, config.collectorFlags(), console);
            double secs = (System.nanoTime() - t0) / 1e9;
            Path done = dir.resolve(COMPLETE);
            Files.move(incomplete, done, StandardCopyOption.ATOMIC_MOVE);
            var result = new CaptureResult(true, dir, Optional.of(done), bytes, secs, bytes / 1e6 / Math.max(secs, 1e-9),
                    collector.name(), dmesgStatus, null);
            config.kdumpPost().ifPresent(p -> hook(p, List.of("0")));
            return result;
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
            return new CaptureResult(false, dir, Optional.empty(), 0, 0, 0, collector.name(), dmesgStatus, why);
        }
    }

    private String writeDmesg(Path vmcore, Path dir) {
        try {
            int lines = dmesg.write(vmcore, dir.resolve(DMESG));
            console.printf("jkdump capture: %s: %d lines%n", dir.resolve(DMESG), lines);
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
