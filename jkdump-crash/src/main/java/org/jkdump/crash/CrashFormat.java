package org.jkdump.crash;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Number and time formats crash uses in several commands, each reproducing crash's printf. */
public final class CrashFormat {
    private static final long KB = 1024, MB = KB * 1024, GB = MB * 1024;
    // ctime_tz(): "%a %b %e %H:%M:%S %Z %Y" in the local zone
    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss zzz yyyy", Locale.US);

    private CrashFormat() {
    }

    /** crash's pages_to_size(): "704.4 MB", "652 MB" (a ".0" dropped), "36 KB", "0". */
    public static String pagesToSize(long pages, int pageSize) {
        if (pages == 0) return "0";
        double total = (double) pages * pageSize;
        String s;
        if (total >= GB) s = fixed(total / GB, 1) + " GB";
        else if (total >= MB) s = fixed(total / MB, 1) + " MB";
        else s = String.format(Locale.ROOT, "%d KB", (long) (total / KB));
        return s.replace(".0 ", " ");
    }

    /**
     * C's {@code printf("%.Nf")} as glibc prints it: the double's exact binary value rounded
     * half to even (832 pages are 3.25 MB: "3.2 MB"; 0.35 is 0.34999...: "0.3"). Java's
     * {@code %.Nf} rounds the shortest decimal form half up and says "3.3" and "0.4".
     */
    public static String fixed(double value, int decimals) {
        return new BigDecimal(value).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** crash's convert_time(): "[N days, ]HH:MM:SS". */
    public static String duration(long seconds) {
        long days = seconds / 86400, rest = seconds % 86400;
        var hms = String.format("%02d:%02d:%02d", rest / 3600, rest % 3600 / 60, rest % 60);
        return days > 0 ? days + " days, " + hms : hms;
    }

    /** A time as crash's ctime_tz() prints it, in the local zone as crash does; a corrupt one says so. */
    public static String ctime(long epochSeconds) {
        if (!plausibleTime(epochSeconds)) return invalidTime(epochSeconds);
        return CTIME.format(Instant.ofEpochSecond(epochSeconds).atZone(ZoneId.systemDefault()));
    }

    /** The last second of the year 9999: later (or negative) wall-clock seconds in a dump are corrupt. */
    static final long MAX_TIME = 253_402_300_799L;

    /** Whether {@code epochSeconds} can be a kernel's wall-clock time (1970 to 9999). */
    public static boolean plausibleTime(long epochSeconds) {
        return epochSeconds >= 0 && epochSeconds <= MAX_TIME;
    }

    /** How a time that cannot be one is shown: the raw value, marked, never a made-up date. */
    public static String invalidTime(long epochSeconds) {
        return "(invalid time: " + epochSeconds + " seconds since 1970)";
    }

    /** crash's get_memory_size(): present memory, rounded up to a GiB when within 64 MiB of it. */
    public static String memorySize(long pages, int pageSize) {
        long total = pages * pageSize;
        long next = (total + GB - 1) / GB * GB;
        if (next - total <= 64 * MB) total = next;
        return pagesToSize(total / pageSize, pageSize);
    }

    public static String hex(long v) {
        return Long.toHexString(v);
    }

    /**
     * crash's mkstring(CENTER|LJUST): {@code text} centred in {@code width} columns, the odd
     * blank on the right; as is when it does not fit.
     */
    public static String center(String text, int width) {
        int pad = Math.max(0, width - text.length());
        return " ".repeat(pad / 2) + text + " ".repeat(pad - pad / 2);
    }

    /** crash's mkstring(CENTER|RJUST): {@code text} centred in {@code width} columns, the odd blank on the left. */
    public static String centerRight(String text, int width) {
        int pad = Math.max(0, width - text.length());
        return " ".repeat(pad - pad / 2) + text + " ".repeat(pad / 2);
    }
}
