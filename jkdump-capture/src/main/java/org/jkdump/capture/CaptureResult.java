package org.jkdump.capture;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What a capture did, and the one console line the drill (and a person reading the serial
 * console) reads it from: {@code JKDUMP-CAPTURE: status=ok dir=... dump=vmcore bytes=...}.
 *
 * @param directory the dump directory's path (on the ssh server for an ssh target)
 * @param location  where that is: the path, or user@host:path
 * @param dmesg     "ok N-lines", "failed: why" or "skipped: why"
 */
public record CaptureResult(boolean ok, Path directory, String location, Optional<Path> dump, long bytes, double dumpSeconds,
                            double mbPerSecond, String collector, String dmesg, String error) {
    public static final String STATUS_PREFIX = "JKDUMP-CAPTURE:";

    /** The machine-readable status line: space-separated key=value, values without spaces. */
    public String statusLine() {
        var sb = new StringBuilder(STATUS_PREFIX).append(" status=").append(ok ? "ok" : "failed");
        sb.append(" dir=").append(location.replace(' ', '_'));
        dump.ifPresent(d -> sb.append(" dump=").append(d.getFileName()));
        sb.append(" bytes=").append(bytes);
        sb.append(String.format(java.util.Locale.ROOT, " seconds=%.2f mbps=%.1f", dumpSeconds, mbPerSecond));
        sb.append(" collector=").append(collector);
        sb.append(" dmesg=").append(dmesg.replace(' ', '_'));
        if (error != null) sb.append(" error=").append(error.replace(' ', '_'));
        return sb.toString();
    }
}
