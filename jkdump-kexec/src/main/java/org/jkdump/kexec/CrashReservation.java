package org.jkdump.kexec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jkdump.format.JkdumpException;

/**
 * The crashkernel= reservation of the running kernel and whether a capture kernel sits in
 * it: /sys/kernel/kexec_crash_size (bytes), the "Crash kernel" range of /proc/iomem (its
 * addresses read as zero without CAP_SYS_ADMIN) and /sys/kernel/kexec_crash_loaded.
 *
 * @param size     bytes reserved (0: no crashkernel= on the command line, or it failed)
 * @param range    the "Crash kernel" range in /proc/iomem, when listed
 * @param loaded   a capture kernel is loaded
 * @param hidden   /proc/iomem showed zero addresses (not root)
 */
public record CrashReservation(long size, Optional<IomemRange> range, boolean loaded, boolean hidden) {
    public static final String IOMEM_NAME = "Crash kernel";

    /** Reads the running system's files. */
    public static CrashReservation current() {
        return read(Path.of("/"));
    }

    /** Reads {@code root}/proc/iomem and {@code root}/sys/kernel/kexec_crash_{size,loaded}. */
    public static CrashReservation read(Path root) {
        Path sizeFile = root.resolve("sys/kernel/kexec_crash_size");
        Path loadedFile = root.resolve("sys/kernel/kexec_crash_loaded");
        Path iomem = root.resolve("proc/iomem");
        long size = Files.exists(sizeFile) ? parseNumber(sizeFile) : 0;
        boolean loaded = Files.exists(loadedFile) && parseNumber(loadedFile) != 0;
        List<IomemRange> ranges = Files.exists(iomem) ? IomemRange.parse(readString(iomem), iomem.toString()) : List.of();
        return of(size, ranges, loaded);
    }

    /** Combines the three sources; the iomem range gives the size when sysfs does not. */
    public static CrashReservation of(long sysfsSize, List<IomemRange> iomem, boolean loaded) {
        var range = iomem.stream().filter(r -> r.name().equals(IOMEM_NAME)).findFirst();
        boolean hidden = range.isPresent() && range.get().start() == 0 && range.get().end() == 0;
        long size = sysfsSize != 0 ? sysfsSize : range.filter(r -> !hidden).map(IomemRange::size).orElse(0L);
        return new CrashReservation(size, range, loaded, hidden);
    }

    public boolean reserved() {
        return size > 0;
    }

    private static long parseNumber(Path file) {
        String s = readString(file).strip();
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new JkdumpException(file + ": expected a number, found '" + s + "'");
        }
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new JkdumpException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
