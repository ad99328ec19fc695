package org.jkdump.kexec;

import java.util.ArrayList;
import java.util.List;

/**
 * The capture kernel's command line. With --reuse-cmdline it starts from the running
 * kernel's (/proc/cmdline) as kexec-tools does — BOOT_IMAGE= and crashkernel= dropped —
 * and adds what a capture kernel needs, as kdump-utils does: {@code irqpoll} (interrupt
 * routing may be left half set up by the crashed kernel), {@code nr_cpus=1} (one CPU fits
 * the small reservation) and {@code reset_devices} (drivers reset their hardware first).
 */
public final class CaptureCommandLine {
    /** Added to every capture kernel command line built from the running one. */
    public static final List<String> CAPTURE_OPTIONS = List.of("irqpoll", "nr_cpus=1", "reset_devices");

    private CaptureCommandLine() {
    }

    /**
     * Builds the command line: the running kernel's (when {@code running} is not null) minus
     * BOOT_IMAGE=, crashkernel= and the options we set ourselves, then the capture options,
     * then {@code append} as given.
     */
    public static String build(String running, String append) {
        var words = new ArrayList<String>();
        if (running != null) {
            for (String w : running.strip().split("\\s+")) {
                if (w.isEmpty() || w.startsWith("BOOT_IMAGE=") || w.startsWith("crashkernel=")) continue;
                if (CAPTURE_OPTIONS.contains(w) || w.startsWith("nr_cpus=") || w.startsWith("maxcpus=")) continue;
                words.add(w);
            }
            words.addAll(CAPTURE_OPTIONS);
        }
        if (append != null && !append.isBlank()) words.add(append.strip());
        return String.join(" ", words);
    }
}
