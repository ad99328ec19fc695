package org.jkdump.drill;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jkdump.capture.CaptureConfig;
import org.jkdump.capture.CaptureResult;
import org.jkdump.capture.SshTarget;
import org.jkdump.capture.RuntimeImage;
import org.jkdump.format.JkdumpException;

/**
 * {@code jkdump drill}: the whole kdump cycle on a real Debian kernel under QEMU (TCG). The
 * host prepares the kernel, the runtime and the images; the guest's first kernel arms itself
 * with {@code jkdump load}, starts recognisable processes and crashes; the capture kernel runs
 * {@code jkdump capture} onto the second disk, from which the host reads the dump back without
 * mounting it ({@code debugfs rdump}) — or, with {@code --target ssh}, over QEMU's user network
 * to a private sshd the drill runs on the host ({@link HostSshd}), straight into the run
 * directory. The host then reports what the dump holds. Each phase is timed; a phase that
 * fails stops the drill with the last console lines.
 */
public final class Drill {
    /**
     * binutils: strip for the capture runtime's libjvm.so (5 MB the reservation needs); liblzo2-2:
     * the collector's native LZO, and libdeflate0 its deflate, which the capture initramfs takes
     * from the host when they are there.
     */
    static final List<String> PACKAGES = List.of("qemu-system-x86", "busybox-static", "e2fsprogs", "kmod", "gcc", "libc6-dev", "make",
            "binutils", "liblzo2-2", "libdeflate0");
    /** What an ssh drill needs besides: the sshd the dump goes to (and ssh-keygen, which comes with it). */
    static final List<String> SSH_PACKAGES = List.of("openssh-server");

    private final DrillOptions options;
    private final PrintWriter log;
    private final List<Phase> phases = new ArrayList<>();
    private long phaseStart = System.nanoTime();

    private Drill(DrillOptions options, PrintWriter log) {
        this.options = options;
        this.log = log;
    }

    /**
     * Console lines that end each guest phase, in order (the drill's /init and the capture /init
     * print them); with a network target the capture kernel's DHCP lease is one more.
     */
    private static final String CRASH_NOW = "JKDUMP-DRILL: CRASH-NOW";

    private boolean nmi() {
        return options.crash().equals("nmi");
    }

    static Map<String, String> markers(boolean network) {
        var m = new LinkedHashMap<String, String>();
        m.put("JKDUMP-DRILL: MODE first", "boot-first-kernel");
        m.put("JKDUMP-DRILL: SETUP-DONE", "first-kernel-setup");
        m.put("JKDUMP-DRILL: ARMED", "arm (jkdump load)");
        m.put(CRASH_NOW, "status --json, start processes");
        m.put("JKDUMP-CAPTURE-INIT: start", "crash-and-capture-kernel-boot");
        if (network) m.put("JKDUMP-CAPTURE-INIT: network up", "capture-kernel network (udhcpc)");
        m.put(CaptureResult.STATUS_PREFIX, "capture (jkdump capture)");
        return m;
    }

    /** Runs the drill; the jar is the jkdump jar to put into the guest. */
    public static DrillReport run(DrillOptions options, Path jar, PrintWriter log) {
        return new Drill(options, log).run(jar);
    }

    private void phase(String name, String endedBy) {
        long now = System.nanoTime();
        var p = new Phase(name, (now - phaseStart) / 1e9, endedBy);
        phases.add(p);
        phaseStart = now;
        log.printf("jkdump drill: PHASE %-32s %6.1f s%n", p.name(), p.seconds());
        log.flush();
    }

    private DrillReport run(Path jar) {
        long t0 = System.nanoTime();
        Path cache = RuntimeImage.cacheDir();
        var packages = new ArrayList<>(PACKAGES);
        if (options.sshTarget()) packages.addAll(SSH_PACKAGES);
        HostPackages.ensure(packages, options.yes(), log);
        String release = DebianKernel.resolve(options.kernel());
        if (!options.crash().equals("sysrq")) HostPackages.ensure(List.of("linux-headers-" + release), options.yes(), log);
        var kernel = DebianKernel.fetch(release, cache, log);
        var runtime = RuntimeImage.ensure(cache, log);
        Path dir = options.out().orElse(cache.resolve("drill").resolve(
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + release + "-" + options.crash()
                        + (options.sshTarget() ? "-ssh" : ""))).toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new JkdumpException(dir + ": cannot create the run directory: " + e.getMessage(), e);
        }
        phase("prepare (packages, kernel, runtime)", "host");
        if (!options.sshTarget()) {
            var conf = CaptureConfig.parse(GuestImages.CAPTURE_CONF, "drill jkdump.conf");
            return finish(t0, dir, kernel, runtime, jar, conf, "disk: ext4 on the guest's /dev/vdb, /var/crash copied out with debugfs rdump");
        }
        // jkdump.conf splits on white space, and the dump directory is in it
        if (dir.toString().matches(".*\\s.*"))
            throw new DrillException("prepare", "--target ssh saves into the run directory, which jkdump.conf cannot name with spaces: " + dir, List.of());
        Path dumps = dir.resolve("crash");
        try {
            DebianKernel.deleteTree(dumps);
        } catch (IOException e) {
            throw new JkdumpException(dumps + ": cannot clear: " + e.getMessage(), e);
        }
        try (var sshd = HostSshd.start(dir.resolve("ssh"))) {
            var conf = CaptureConfig.parse(GuestImages.sshCaptureConf(sshd.target(dumps)), "drill jkdump.conf");
            phase("sshd (keys, 127.0.0.1:" + sshd.port() + ")", "host");
            return finish(t0, dir, kernel, runtime, jar, conf, conf.target().describe() + ", served by " + sshd.describe());
        }
    }

    /** Builds the images for a capture config, boots, crashes, captures and reports. */
    private DrillReport finish(long t0, Path dir, DebianKernel kernel, Path runtime, Path jar, CaptureConfig conf, String target) {
        if (options.compareMakedumpfile()) HostPackages.ensure(List.of("makedumpfile"), options.yes(), log);
        var images = GuestImages.build(kernel, runtime, jar, dir, options.crash(), options.memBytes(), options.compareMakedumpfile(), conf, log);
        phase("build (guest programs, initramfs x2, disks)", "host");
        var console = boot(kernel, images, dir, conf.target() instanceof SshTarget);
        String status = console.find(CaptureResult.STATUS_PREFIX).orElseThrow();
        if (!status.contains("status=ok"))
            throw new DrillException("capture", "the capture kernel reported a failed capture: " + status, console.tail(30));
        Path dumps = extract(images, dir, console);
        phase(images.outDisk().isPresent() ? "extract (debugfs rdump)" : "extract (debugfs rdump of the samples)", "host");
        var report = DrillReport.build(options, dir, dumps, images, console, target);
        if (options.compareMakedumpfile()) report = report.withComparison(MakedumpfileRun.compare(report.dump(), dumps, console));
        phase("report", "host");
        if (!options.keep()) {
            try {
                DebianKernel.deleteTree(dir.resolve("images"));
            } catch (IOException e) {
                log.println("jkdump drill: could not delete " + dir.resolve("images") + ": " + e.getMessage());
            }
        }
        return report.withPhases(List.copyOf(phases), (System.nanoTime() - t0) / 1e9);
    }

    /**
     * A first kernel that prints nothing for this long has stalled under QEMU's TCG (seen once
     * in many drills: the console stopped 0.95 s into the boot, before any disk was touched).
     * An emulated boot prints a line every fraction of a second.
     */
    static final long BOOT_STALL_SECONDS = 120;

    /** The guest printed nothing for {@link #BOOT_STALL_SECONDS} before its first marker. */
    private static final class BootStalled extends RuntimeException {
        BootStalled(String message) {
            super(message);
        }
    }

    /** Boots and follows the guest; a boot that stalls before the first kernel's first marker is retried once. */
    private GuestConsole boot(DebianKernel kernel, GuestImages.Built images, Path dir, boolean network) {
        try {
            return bootOnce(kernel, images, dir, network);
        } catch (BootStalled e) {
            log.println("jkdump drill: " + e.getMessage() + ": booting again");
            log.flush();
            try {
                return bootOnce(kernel, images, dir, network);
            } catch (BootStalled again) {
                throw new DrillException("boot-first-kernel", again.getMessage() + ", twice", List.of());
            }
        }
    }

    private GuestConsole bootOnce(DebianKernel kernel, GuestImages.Built images, Path dir, boolean network) {
        Path consoleLog = dir.resolve("console.log");
        String cmdline = "console=ttyS0,115200 crashkernel=" + options.crashkernel() + " panic=5 jk.crash=" + options.crash()
                + (options.classic() ? " jk.classic=1" : "") + (options.flipKernelByte() ? " jk.flip=1" : "");
        var cmd = new ArrayList<>(List.of("qemu-system-x86_64", "-machine", "pc", "-accel", "tcg", "-cpu", "qemu64", "-m", options.mem(), "-smp", "2",
                "-kernel", kernel.vmlinuz().toString(), "-initrd", images.firstInitrd().toString(), "-append", cmdline,
                "-drive", "file=" + images.dataDisk() + ",format=raw,if=virtio"));
        images.outDisk().ifPresent(out -> cmd.addAll(List.of("-drive", "file=" + out + ",format=raw,if=virtio")));
        // QEMU's user network: no forwarded ports, the guest reaches the host's 127.0.0.1 as 10.0.2.2;
        // no option ROM, since the guest boots from -kernel and the ROM file may not be installed
        cmd.addAll(network ? List.of("-netdev", "user,id=net0", "-device", "virtio-net-pci,netdev=net0,romfile=") : List.of("-nic", "none"));
        cmd.addAll(List.of("-display", "none", "-serial", "file:" + consoleLog, "-no-reboot"));
        // --crash nmi: the drill presses the NMI button through the monitor when the guest says CRASH-NOW
        Path monitor = dir.resolve("monitor.sock");
        cmd.addAll(nmi() ? QemuMonitor.arguments(monitor) : List.of("-monitor", "none"));
        try {
            Files.writeString(dir.resolve("qemu-command.txt"), String.join(" ", cmd) + "\n");
            Files.deleteIfExists(consoleLog);
            var qemu = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("qemu.out").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            var console = new GuestConsole(consoleLog);
            var pending = new ArrayList<>(markers(network).entrySet());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.timeoutSeconds());
            long lastLine = System.nanoTime();
            boolean booted = false;
            try {
                while (true) {
                    boolean exited = qemu.waitFor(250, TimeUnit.MILLISECONDS);
                    var lines = console.poll();
                    if (!lines.isEmpty()) lastLine = System.nanoTime();
                    else if (!booted && System.nanoTime() - lastLine > TimeUnit.SECONDS.toNanos(BOOT_STALL_SECONDS))
                        throw new BootStalled("the first kernel printed nothing for " + BOOT_STALL_SECONDS + " s of its boot"
                                + " (a QEMU stall; last line: " + console.tail(1).stream().findFirst().orElse("none").strip() + ")");
                    for (String line : lines) {
                        if (line.contains("JKDUMP-DRILL: FAILED"))
                            throw new DrillException(pending.isEmpty() ? "guest" : pending.getFirst().getValue(), line.strip(), console.tail(30));
                        int hit = -1;
                        for (int i = 0; i < pending.size() && hit < 0; i++) if (line.contains(pending.get(i).getKey())) hit = i;
                        if (hit >= 0) {
                            // a marker line can be lost when the crash stops the serial port mid-line:
                            // the phases up to the one seen are then timed together
                            var names = new ArrayList<String>();
                            for (int i = 0; i <= hit; i++) names.add(pending.removeFirst().getValue());
                            phase(String.join(" + ", names), line.strip());
                            if (nmi() && line.contains(CRASH_NOW)) QemuMonitor.send(monitor, "nmi");
                            booted = true;
                            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.timeoutSeconds());
                        }
                    }
                    if (exited) break;
                    if (System.nanoTime() > deadline)
                        throw new DrillException(pending.isEmpty() ? "poweroff" : pending.getFirst().getValue(),
                                "no progress for --timeout " + options.timeoutSeconds() + " s; QEMU killed", console.tail(30));
                }
            } finally {
                if (qemu.isAlive()) {
                    qemu.destroy();
                    qemu.waitFor(5, TimeUnit.SECONDS);
                }
            }
            console.poll();
            if (!pending.isEmpty())
                throw new DrillException(pending.getFirst().getValue(), "QEMU exited (status " + qemu.exitValue() + ") before the console showed '"
                        + pending.getFirst().getKey() + "'", console.tail(30));
            phase("poweroff", "QEMU exit");
            return console;
        } catch (IOException e) {
            throw new DrillException("boot", "cannot start QEMU: " + e.getMessage(), List.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DrillException("boot", "interrupted", List.of());
        }
    }

    /**
     * Copies the recorded samples from the data disk and /var/crash from the output disk, without
     * mounting either; an ssh capture has already put its dump directory into RUN/crash.
     */
    private Path extract(GuestImages.Built images, Path dir, GuestConsole console) {
        Path dumps = dir.resolve("crash");
        try {
            if (images.outDisk().isPresent()) DebianKernel.deleteTree(dumps);
            DebianKernel.deleteTree(dir.resolve("samples"));
        } catch (IOException e) {
            throw new JkdumpException(dumps + ": cannot clear: " + e.getMessage(), e);
        }
        images.outDisk().ifPresent(out -> HostProcess.check("extract", List.of("debugfs", "-R", "rdump /var/crash " + dir, out.toString()), null));
        HostProcess.check("extract", List.of("debugfs", "-R", "rdump /samples " + dir, images.dataDisk().toString()), null);
        if (!Files.isDirectory(dumps))
            throw new DrillException("extract", images.outDisk().isPresent() ? "no /var/crash on the output disk" : "the capture left no " + dumps, console.tail(20));
        return dumps;
    }
}
