package org.jkdump.drill;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jkdump.capture.CaptureConfig;
import org.jkdump.capture.CaptureAotCache;
import org.jkdump.capture.InitramfsBuilder;
import org.jkdump.capture.KernelModules;
import org.jkdump.capture.LocalTarget;
import org.jkdump.capture.SshTarget;
import org.jkdump.format.JkdumpException;

/**
 * What the guest boots from, built in the run directory: the guest programs (drill-marker with
 * gcc -static; the jkdrill module against linux-headers-RELEASE), the capture initramfs (the
 * product, exactly as {@code jkdump initramfs} builds it, for a config that saves to /dev/vdb
 * or over ssh to the drill's sshd), the first kernel's initramfs (the same contents plus the
 * drill's /init and programs), the data disk (vda: the capture kernel and initramfs for
 * {@code jkdump load}) and, for the disk target, the empty output disk (vdb) the capture
 * writes to.
 */
final class GuestImages {
    /** The capture configuration of every drill: the second virtio disk, then power off either way. */
    static final String CAPTURE_CONF = """
            # jkdump drill: save to the guest's second virtio disk, then power the guest off
            ext4 /dev/vdb
            path /var/crash
            core_collector jkdump collect -l -d 31
            final_action poweroff
            failure_action poweroff
            """;

    /** The capture configuration of an ssh drill: the drill's sshd, seen from the guest as 10.0.2.2, then power off either way. */
    static String sshCaptureConf(SshTarget t) {
        return String.join("\n",
                "# jkdump drill: save over ssh to the sshd the drill runs on the host (QEMU's user network: the host is " + t.host() + ")",
                "ssh " + t.user() + "@" + t.host() + ":" + t.port(),
                "sshkey " + t.key(),
                "sshknownhosts " + t.knownHosts(),
                "path " + t.path(),
                "core_collector jkdump collect -l -d 31",
                "final_action poweroff",
                "failure_action poweroff",
                "");
    }

    /** @param outDisk the output disk, for a capture config that saves to /dev/vdb */
    record Built(Path firstInitrd, InitramfsBuilder.Result capture, InitramfsBuilder.Result first, Path dataDisk, Optional<Path> outDisk) {
    }

    private GuestImages() {
    }

    static Built build(DebianKernel kernel, Path runtime, Path jar, Path dir, String crash, long memBytes, boolean makedumpfile,
                       CaptureConfig conf, PrintWriter log) {
        try {
            Path src = Files.createDirectories(dir.resolve("guest-src"));
            for (String f : List.of("drill-marker.c", "jkdrill.c", "Kbuild", "init.sh")) copyResource("guest/" + f, src.resolve(f));
            Path marker = src.resolve("drill-marker");
            HostProcess.check("build", List.of("gcc", "-static", "-O2", "-Wall", "-o", marker.toString(), src.resolve("drill-marker.c").toString()), null);
            var extra = new LinkedHashMap<String, Path>();
            extra.put("bin/drill-marker", marker);
            if (!crash.equals("sysrq")) {
                Path headers = Path.of("/usr/src/linux-headers-" + kernel.release());
                HostProcess.check("build", List.of("make", "-s", "-C", headers.toString(), "M=" + src, "modules"), null);
                extra.put("lib/jkdump/jkdrill.ko", src.resolve("jkdrill.ko"));
            }
            var tree = KernelModules.read(kernel.modulesDir());
            List<String> modules = InitramfsBuilder.modulesFor(conf, tree);
            // the first kernel mounts the ext4 data disk whatever the capture's target: the disk config's modules too
            var firstModules = new java.util.LinkedHashSet<>(modules);
            firstModules.addAll(InitramfsBuilder.modulesFor(CaptureConfig.parse(CAPTURE_CONF, "drill jkdump.conf"), tree));
            Path images = Files.createDirectories(dir.resolve("images"));
            String captureInit = InitramfsBuilder.captureInit(conf);
            // the capture's AOT cache, in both images: the first kernel's jkdump load maps it too
            Path aot = CaptureAotCache.train(runtime, jar, conf, images.resolve("jkdump.aot"));
            extra.put(CaptureAotCache.PATH_IN_INITRAMFS, aot);
            var captureExtra = new LinkedHashMap<String, Path>(Map.of(CaptureAotCache.PATH_IN_INITRAMFS, aot));
            if (makedumpfile) {
                captureExtra.putAll(MakedumpfileRun.files());
                captureInit = MakedumpfileRun.addTo(captureInit);
            }
            var capture = InitramfsBuilder.build(new InitramfsBuilder.Spec(kernel.modulesDir(), Path.of("/bin/busybox"), runtime, jar,
                    conf, modules, captureExtra, captureInit, InitramfsBuilder.Compression.GZIP), images.resolve("jkdump-capture.img"));
            log.printf("jkdump drill: capture initramfs %.1f MiB (%.1f MiB unpacked), modules: %s%n",
                    capture.compressedBytes() / 1048576.0, capture.unpackedBytes() / 1048576.0, String.join(" ", capture.modules()));
            String init = Files.readString(src.resolve("init.sh")).replace("@JAVA_FLAGS@", String.join(" ", InitramfsBuilder.CAPTURE_JVM_FLAGS_WITH_CACHE));
            var first = InitramfsBuilder.build(new InitramfsBuilder.Spec(kernel.modulesDir(), Path.of("/bin/busybox"), runtime, jar,
                    conf, List.copyOf(firstModules), extra, init, InitramfsBuilder.Compression.GZIP), images.resolve("first-kernel.img"));
            // data disk: what jkdump load reads inside the guest
            Path dataRoot = Files.createDirectories(images.resolve("data-root/boot"));
            Files.copy(kernel.vmlinuz(), dataRoot.resolve("vmlinuz"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(capture.file(), dataRoot.resolve("jkdump-capture.img"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            long dataMib = 64 + (Files.size(kernel.vmlinuz()) + capture.compressedBytes()) / 1048576 * 2;
            Path data = images.resolve("data.img");
            sparse(data, dataMib << 20);
            HostProcess.check("build", List.of("mkfs.ext4", "-q", "-F", "-L", "jkdata", "-O", "^has_journal", "-d",
                    images.resolve("data-root").toString(), data.toString()), null);
            if (!(conf.target() instanceof LocalTarget)) return new Built(first.file(), capture, first, data, Optional.empty());
            // output disk: room for the whole ELF of /proc/vmcore (memory minus the reservation) and more
            Path out = images.resolve("out.img");
            sparse(out, memBytes + (512L << 20));
            HostProcess.check("build", List.of("mkfs.ext4", "-q", "-F", "-L", "jkout", "-O", "^has_journal", "-E", "lazy_itable_init=0",
                    out.toString()), null);
            return new Built(first.file(), capture, first, data, Optional.of(out));
        } catch (IOException e) {
            throw new JkdumpException(dir + ": cannot build the guest images: " + e.getMessage(), e);
        }
    }

    private static void sparse(Path file, long bytes) throws IOException {
        Files.deleteIfExists(file);
        try (var f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes);
        }
    }

    private static void copyResource(String name, Path to) throws IOException {
        try (InputStream in = GuestImages.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException(name + " missing from the jar");
            Files.writeString(to, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
