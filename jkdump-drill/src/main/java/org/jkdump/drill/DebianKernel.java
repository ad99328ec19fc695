package org.jkdump.drill;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.jkdump.format.JkdumpException;

/**
 * A Debian kernel for the guest, unpacked into the cache ({@code CACHE/kernels/RELEASE/root}):
 * {@code apt-get download linux-image-RELEASE}, {@code dpkg-deb -x}, and {@code depmod -b}
 * (the package ships no modules.dep: its postinst makes it). Nothing is installed on the host.
 *
 * @param release e.g. 6.1.0-56-amd64
 * @param root    the unpacked package: boot/vmlinuz-RELEASE, lib/modules/RELEASE
 */
record DebianKernel(String release, Path root) {
    /** The fixtures' kernel, used by "--kernel 6.1" while the archive still carries it. */
    static final String FIXTURE_RELEASE = "6.1.0-56-amd64";

    Path vmlinuz() {
        return root.resolve("boot/vmlinuz-" + release);
    }

    Path modulesDir() {
        return root.resolve("lib/modules/" + release);
    }

    /** "6.1" → the fixtures' release, or the newest 6.1.0-N-amd64 the archive has; "6.12" → newest 6.12.*+deb12-amd64; else as given. */
    static String resolve(String selector) {
        return switch (selector) {
            case "6.1" -> available(FIXTURE_RELEASE) ? FIXTURE_RELEASE : newest("linux-image-6.1.0-", Pattern.compile("6\\.1\\.0-\\d+-amd64"));
            case "6.12" -> newest("linux-image-6.12", Pattern.compile("6\\.12\\.\\d+\\+deb12-amd64"));
            default -> selector;
        };
    }

    private static boolean available(String release) {
        var r = HostProcess.run(List.of("apt-cache", "policy", "linux-image-" + release), null, java.util.Map.of());
        return r.output().lines().anyMatch(l -> l.strip().startsWith("Candidate:") && !l.contains("(none)"));
    }

    private static String newest(String prefix, Pattern release) {
        var r = HostProcess.run(List.of("apt-cache", "pkgnames", prefix), null, java.util.Map.of());
        return r.output().lines().map(l -> l.strip().replaceFirst("^linux-image-", ""))
                .filter(l -> release.matcher(l).matches())
                .max(Comparator.comparing(DebianKernel::versionKey))
                .orElseThrow(() -> new DrillException("prepare", "no " + prefix + "* kernel package in the apt lists (apt-get update?)", List.of()));
    }

    private static String versionKey(String release) {
        var sb = new StringBuilder();
        for (String part : release.split("[.+-]")) sb.append(part.matches("\\d+") ? String.format("%08d", Long.parseLong(part)) : part).append('.');
        return sb.toString();
    }

    /** Downloads and unpacks the kernel into the cache unless it is there already. */
    static DebianKernel fetch(String release, Path cache, PrintWriter log) {
        Path root = cache.resolve("kernels").resolve(release).resolve("root");
        var k = new DebianKernel(release, root);
        if (Files.isRegularFile(k.vmlinuz()) && Files.isRegularFile(k.modulesDir().resolve("modules.dep"))) return k;
        try {
            Path debs = Files.createDirectories(cache.resolve("debs"));
            String pkg = "linux-image-" + release;
            Path deb = findDeb(debs, pkg);
            if (deb == null) {
                log.println("jkdump drill: apt-get download " + pkg);
                log.flush();
                HostProcess.check("prepare", List.of("apt-get", "download", pkg), debs);
                deb = findDeb(debs, pkg);
                if (deb == null) throw new DrillException("prepare", "apt-get download " + pkg + " left no .deb in " + debs, List.of());
            }
            Path tmp = root.resolveSibling("root.tmp");
            deleteTree(tmp);
            Files.createDirectories(tmp);
            HostProcess.check("prepare", List.of("dpkg-deb", "-x", deb.toString(), tmp.toString()), null);
            HostProcess.check("prepare", List.of("depmod", "-b", tmp.toString(), release), null);
            deleteTree(root);
            Files.move(tmp, root);
            return k;
        } catch (IOException e) {
            throw new JkdumpException(root + ": cannot unpack the kernel: " + e.getMessage(), e);
        }
    }

    private static Path findDeb(Path debs, String pkg) throws IOException {
        try (var s = Files.list(debs)) {
            return s.filter(p -> p.getFileName().toString().startsWith(pkg + "_") && p.toString().endsWith(".deb")).findFirst().orElse(null);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
