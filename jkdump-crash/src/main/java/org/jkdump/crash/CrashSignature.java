package org.jkdump.crash;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A stable name for a bug: a hash of the panic kind and the top frames without offsets, so
 * the same bug in two dumps (other KASLR offset, other pids, other timestamps) gets the same
 * signature and a different bug another. Numbers that vary between runs (addresses, CPU
 * and pid numbers, oops counters) are masked in the kind, and a WARNING's source file loses
 * its directory (the build's, for a module built out of tree); frames keep only function (and
 * module) names.
 *
 * @param kind   the normalised panic kind, e.g. {@code "Kernel panic - not syncing: sysrq triggered crash"}
 * @param frames the function names hashed, innermost first
 * @param hash   16 hex digits of SHA-256 over kind and frames
 */
public record CrashSignature(String kind, List<String> frames, String hash) {
    /** How many frames count: deeper frames are the generic syscall path, the same for every bug. */
    public static final int TOP_FRAMES = 5;

    private static final Pattern HEX = Pattern.compile("\\b(0x)?[0-9a-f]{8,16}\\b");
    private static final Pattern COUNTER = Pattern.compile("\\[#\\d+\\]");
    private static final Pattern OFFSET = Pattern.compile("\\+0x[0-9a-f]+(/0x[0-9a-f]+)?|\\+\\d+");
    // a WARNING line: "WARNING: CPU: 1 PID: 200 at /build/dir/drivers/x.c:103 f+0x1db/0x1eb [m]"
    private static final Pattern CPU_PID = Pattern.compile("\\b(CPU|PID): \\d+");
    private static final Pattern SOURCE_DIR = Pattern.compile(" at \\S*/(\\S+:\\d+)");

    public static CrashSignature of(String panicKind, List<String> topFrames) {
        var kind = COUNTER.matcher(HEX.matcher(panicKind.strip()).replaceAll("X")).replaceAll("[#N]");
        kind = SOURCE_DIR.matcher(CPU_PID.matcher(kind).replaceAll("$1: N")).replaceAll(" at $1");
        var frames = topFrames.stream().limit(TOP_FRAMES).map(CrashSignature::function).toList();
        var text = kind + "\n" + String.join("\n", frames);
        try {
            var d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return new CrashSignature(kind, frames, HexFormat.of().formatHex(d, 0, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** {@code jk_write+202 [jkcrash]} or {@code jk_write+0xca/0x100 [jkcrash]} becomes {@code jk_write [jkcrash]}. */
    static String function(String frame) {
        return OFFSET.matcher(frame.strip()).replaceAll("").replaceAll("\\s+", " ");
    }
}
