package org.jkdump.capture;

import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.jkdump.format.JkdumpException;
import org.tukaani.xz.XZInputStream;

/**
 * Builds the capture initramfs: a newc cpio archive (what the kernel's initramfs unpacker
 * reads), gzip- or zstd-compressed, holding busybox (statically linked, Debian's
 * busybox-static), the jlink'd runtime, the jkdump jar, the kernel modules the target needs
 * with their dependencies (decompressed: busybox insmod hands the file to the kernel as is),
 * jkdump.conf and an /init that runs {@code jkdump capture}. The drill builds its first-kernel
 * image with the same builder, adding its own files and /init.
 */
public final class InitramfsBuilder {
    /**
     * JVM flags for the capture kernel (DESIGN.md, performance): small heap, one cheap GC, C1
     * only, no perf files. The AOT cache is trained with these ({@link CaptureAotCache}); a JVM
     * that maps it must be started with the same ones. No machine code in the cache (adapters,
     * stubs): the host that builds the initramfs may have instructions the capture machine's
     * CPU lacks (a drill's emulated CPU has no AVX-512), and JDK 25 maps cached adapters
     * without checking (SIGILL in an AdapterBlob).
     */
    public static final List<String> CAPTURE_JVM_FLAGS = List.of("-Xmx64m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow", "-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTAdapterCaching",
            "-XX:-AOTStubCaching");
    /** The flags the capture /init runs java with: the capture's, and its AOT cache when the image has one. */
    public static final List<String> CAPTURE_JVM_FLAGS_WITH_CACHE = java.util.stream.Stream.concat(CAPTURE_JVM_FLAGS.stream(),
            java.util.stream.Stream.of("-XX:AOTCache=/" + CaptureAotCache.PATH_IN_INITRAMFS)).toList();
    /** Block drivers for a local target: QEMU/KVM virtio disks and the common physical ones. */
    public static final List<String> DEFAULT_DISK_MODULES = List.of("virtio_pci", "virtio_blk", "nvme", "ahci", "sd_mod");

    /**
     * Network drivers for an ssh target, instead of the disk drivers (every MiB counts in the
     * reservation: these are 0.6 MB against the disks' 2.4 MB on Debian's 6.1): QEMU/KVM virtio
     * (with its PCI transport) and e1000, and AF_PACKET for udhcpc.
     */
    public static final List<String> NETWORK_MODULES = List.of("virtio_pci", "virtio_net", "e1000", "af_packet");

    /**
     * Libraries the capture uses when the host has them, each needing only glibc: liblzo2 for
     * native LZO (-l, ~130 KB), libdeflate for fast deflate (-c, ~150 KB).
     */
    static final List<String> OPTIONAL_LIBRARIES = List.of("liblzo2.so.2", "libdeflate.so.0");

    public enum Compression { GZIP, ZSTD }

    /**
     * What goes in. {@code extraFiles} maps archive paths to host files (mode 0755 when the
     * host file is executable); {@code init} replaces the capture /init (the drill's first kernel).
     */
    public record Spec(Path modulesDir, Path busybox, Path runtime, Path jar, CaptureConfig config, List<String> modules,
                       Map<String, Path> extraFiles, String init, Compression compression) {
    }

    /** What came out: sizes for the report and the sizing check. */
    public record Result(Path file, long compressedBytes, long unpackedBytes, int entries, List<String> modules) {
    }

    private final Spec spec;
    private final Map<String, CpioArchiveEntry> dirs = new LinkedHashMap<>();
    private final java.util.Set<String> files = new java.util.HashSet<>();
    private long unpacked;
    private int entries;

    private InitramfsBuilder(Spec spec) {
        this.spec = spec;
    }

    /**
     * The modules the capture needs for a config: disk drivers, the file system and crc32c for
     * ext4 for a local target, network drivers for an ssh one; then the extra ones.
     */
    public static List<String> modulesFor(CaptureConfig config, KernelModules tree) {
        var mods = new LinkedHashSet<String>();
        switch (config.target()) {
            case LocalTarget t -> {
                for (String m : DEFAULT_DISK_MODULES) if (!tree.isBuiltin(m)) mods.add(m);
                t.fsType().ifPresent(fs -> {
                    mods.add(fs);
                    // ext4 asks for crc32c through the crypto API, which modules.dep does not record
                    if (fs.startsWith("ext4")) mods.add("crc32c_generic");
                });
            }
            case SshTarget t -> {
                for (String m : NETWORK_MODULES) if (!tree.isBuiltin(m)) mods.add(m);
            }
        }
        mods.addAll(config.extraModules());
        return List.copyOf(mods);
    }

    /** The capture /init for a config: the template with the target's mount and the actions filled in. */
    public static String captureInit(CaptureConfig config) {
        String template = resource("capture-init.sh");
        String mount, unmount;
        switch (config.target()) {
            case LocalTarget t -> {
                mount = t.device().map(d -> String.join("\n",
                        "for i in $(seq 1 50); do [ -e \"$(findfs " + d + " 2>/dev/null || echo " + d + ")\" ] && break; sleep 0.2; done",
                        "mkdir -p " + LocalTarget.MOUNT_POINT,
                        "mount -t " + t.fsType().orElseThrow() + " " + d + " " + LocalTarget.MOUNT_POINT
                                + " || { echo \"JKDUMP-CAPTURE-INIT: cannot mount " + d + "\"; finish \"" + config.failureAction().command() + "\"; }"))
                        .orElse("# the target is on the capture kernel's own root file system");
                unmount = t.device().isPresent() ? "umount " + LocalTarget.MOUNT_POINT + " 2>/dev/null" : ":";
            }
            case SshTarget t -> {
                mount = resource("capture-network.sh").replace("@TARGET@", t.describe()).strip();
                unmount = ":";
            }
        }
        return template.replace("@MOUNT@", mount).replace("@FINISH_PREPARE@", unmount)
                .replace("@JAVA_FLAGS@", String.join(" ", CAPTURE_JVM_FLAGS_WITH_CACHE))
                .replace("@FINAL@", config.finalAction().command()).replace("@FAILURE@", config.failureAction().command());
    }

    private static String resource(String name) {
        try (InputStream in = InitramfsBuilder.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException(name + " missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(name + ": cannot read from the jar", e);
        }
    }

    /** Writes the archive to {@code output} (through a temporary name, renamed when complete). */
    public static Result build(Spec spec, Path output) {
        return new InitramfsBuilder(spec).write(output);
    }

    private Result write(Path output) {
        var tree = KernelModules.read(spec.modulesDir());
        List<Path> moduleFiles = tree.loadOrder(spec.modules());
        Path tmp = output.resolveSibling(output.getFileName() + ".incomplete");
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20);
             OutputStream comp = compressor(file);
             var cpio = new CpioArchiveOutputStream(comp, CpioConstants.FORMAT_NEW)) {
            for (String d : List.of("bin", "sbin", "usr/bin", "usr/sbin", "proc", "sys", "dev", "tmp", "run", "etc", "opt/jkdump", "lib/jkdump/modules"))
                dir(cpio, d);
            node(cpio, "dev/console", 5, 1);
            file(cpio, "bin/busybox", Files.readAllBytes(spec.busybox()), 0755);
            symlink(cpio, "bin/sh", "busybox");
            file(cpio, "init", spec.init().getBytes(StandardCharsets.UTF_8), 0755);
            file(cpio, "etc/jkdump.conf", spec.config().render().getBytes(StandardCharsets.UTF_8), 0644);
            tree(cpio, spec.runtime(), "opt/jkdump/runtime");
            // the runtime is dynamically linked: glibc and its loader come from the host, at the same paths
            for (Path lib : SharedLibraries.neededBy(spec.runtime()))
                file(cpio, lib.toString().substring(1), Files.readAllBytes(lib.toRealPath()), 0755);
            // the collector's -l calls liblzo2 and -c libdeflate when it can load them (aircompressor
            // and java.util.zip otherwise, slower)
            for (String optional : OPTIONAL_LIBRARIES) {
                var lib = SharedLibraries.find(optional);
                if (lib.isPresent() && !files.contains(lib.get().toString().substring(1)))
                    file(cpio, lib.get().toString().substring(1), Files.readAllBytes(lib.get().toRealPath()), 0755);
            }
            hostFile(cpio, spec.jar(), "opt/jkdump/jkdump.jar");
            var order = new StringBuilder();
            var names = new ArrayList<String>();
            int n = 0;
            for (Path ko : moduleFiles) {
                String base = ko.getFileName().toString();
                String plain = base.replaceFirst("\\.ko(\\.xz|\\.zst|\\.gz)?$", ".ko");
                String name = String.format("%02d-%s", n++, plain);
                file(cpio, "lib/jkdump/modules/" + name, moduleBytes(ko), 0644);
                order.append(name).append('\n');
                names.add(plain.substring(0, plain.length() - 3));
            }
            file(cpio, "lib/jkdump/modules.order", order.toString().getBytes(StandardCharsets.UTF_8), 0644);
            if (spec.config().target() instanceof SshTarget t) {
                // the key and the server's known key, at the paths jkdump.conf names
                file(cpio, t.key().toString().substring(1), Files.readAllBytes(t.key()), 0600);
                file(cpio, t.knownHosts().toString().substring(1), Files.readAllBytes(t.knownHosts()), 0644);
            }
            // an extra program's shared libraries may already be there for the runtime (glibc)
            for (var e : spec.extraFiles().entrySet()) if (!files.contains(e.getKey())) hostFile(cpio, e.getValue(), e.getKey());
            cpio.finish();
            cpio.close();
            Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Result(output, Files.size(output), unpacked, entries, names);
        } catch (IOException e) {
            throw new JkdumpException(output + ": cannot write the initramfs: " + e.getMessage(), e);
        }
    }

    private OutputStream compressor(OutputStream out) throws IOException {
        return switch (spec.compression()) {
            case GZIP -> new GZIPOutputStream(out, 1 << 16);
            case ZSTD -> new ZstdOutputStream(out);
        };
    }

    private static byte[] moduleBytes(Path ko) throws IOException {
        String n = ko.getFileName().toString();
        if (n.endsWith(".ko")) return Files.readAllBytes(ko);
        if (n.endsWith(".ko.xz")) try (var in = new XZInputStream(Files.newInputStream(ko))) {
            return in.readAllBytes();
        }
        if (n.endsWith(".ko.zst")) try (var in = new io.airlift.compress.zstd.ZstdInputStream(Files.newInputStream(ko))) {
            return in.readAllBytes();
        }
        if (n.endsWith(".ko.gz")) try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(ko))) {
            return in.readAllBytes();
        }
        throw new JkdumpException(ko + ": unknown kernel module compression");
    }

    private void parents(CpioArchiveOutputStream cpio, String path) throws IOException {
        int slash = path.lastIndexOf('/');
        if (slash > 0) dir(cpio, path.substring(0, slash));
    }

    private void dir(CpioArchiveOutputStream cpio, String path) throws IOException {
        if (dirs.containsKey(path)) return;
        parents(cpio, path);
        var e = entry(path, CpioConstants.C_ISDIR | 0755, 0);
        dirs.put(path, e);
        cpio.putArchiveEntry(e);
        cpio.closeArchiveEntry();
    }

    private void node(CpioArchiveOutputStream cpio, String path, int major, int minor) throws IOException {
        parents(cpio, path);
        var e = entry(path, CpioConstants.C_ISCHR | 0600, 0);
        e.setRemoteDeviceMaj(major);
        e.setRemoteDeviceMin(minor);
        cpio.putArchiveEntry(e);
        cpio.closeArchiveEntry();
    }

    private void symlink(CpioArchiveOutputStream cpio, String path, String target) throws IOException {
        parents(cpio, path);
        byte[] t = target.getBytes(StandardCharsets.UTF_8);
        cpio.putArchiveEntry(entry(path, CpioConstants.C_ISLNK | 0777, t.length));
        cpio.write(t);
        cpio.closeArchiveEntry();
    }

    private void file(CpioArchiveOutputStream cpio, String path, byte[] data, int mode) throws IOException {
        parents(cpio, path);
        files.add(path);
        cpio.putArchiveEntry(entry(path, CpioConstants.C_ISREG | mode, data.length));
        cpio.write(data);
        cpio.closeArchiveEntry();
        unpacked += data.length;
    }

    private void hostFile(CpioArchiveOutputStream cpio, Path host, String path) throws IOException {
        if (!Files.isRegularFile(host)) throw new JkdumpException(host + ": missing (needed in the initramfs as /" + path + ")");
        file(cpio, path, Files.readAllBytes(host), Files.isExecutable(host) ? 0755 : 0644);
    }

    private void tree(CpioArchiveOutputStream cpio, Path root, String prefix) throws IOException {
        if (!Files.isDirectory(root)) throw new JkdumpException(root + ": not a directory (the runtime image)");
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted().toList()) {
                String rel = root.relativize(p).toString();
                String path = rel.isEmpty() ? prefix : prefix + "/" + rel;
                if (Files.isSymbolicLink(p)) symlink(cpio, path, Files.readSymbolicLink(p).toString());
                else if (Files.isDirectory(p)) dir(cpio, path);
                else hostFile(cpio, p, path);
            }
        }
    }

    private CpioArchiveEntry entry(String path, int mode, long size) {
        var e = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, path, size);
        e.setMode(mode);
        e.setNumberOfLinks((mode & CpioConstants.S_IFMT) == CpioConstants.C_ISDIR ? 2 : 1);
        e.setTime(0);
        e.setInode(++entries);
        return e;
    }

}
