package org.jkdump.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jkdump.capture.Capture;
import org.jkdump.capture.CaptureAotCache;
import org.jkdump.capture.CaptureConfig;
import org.jkdump.capture.InitramfsBuilder;
import org.jkdump.capture.KernelModules;
import org.jkdump.capture.LocalTarget;
import org.jkdump.capture.JkdumpCollect;
import org.jkdump.capture.SshTarget;
import org.jkdump.capture.VmcoreDmesg;
import org.jkdump.capture.RuntimeImage;
import org.jkdump.format.JkdumpException;
import org.jkdump.kexec.CaptureSizing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jkdump initramfs} and {@code jkdump capture}: the capture side. */
final class CaptureCommands {
    private CaptureCommands() {
    }

    /** The jar this program runs from: it goes into the initramfs. */
    static Path ownJar() {
        try {
            var loc = Main.class.getProtectionDomain().getCodeSource().getLocation();
            Path p = Path.of(loc.toURI());
            if (!p.toString().endsWith(".jar"))
                throw new JkdumpException("jkdump runs from " + p + ", not from its jar: build it (mvn package) and run bin/jkdump");
            return p;
        } catch (java.net.URISyntaxException e) {
            throw new JkdumpException("cannot locate the jkdump jar: " + e.getMessage());
        }
    }

    @Command(name = "initramfs", mixinStandardHelpOptions = true,
            description = "Build the capture initramfs: busybox, a jlink'd Java runtime, the jkdump jar, the kernel modules the target needs, jkdump.conf and an /init that runs 'jkdump capture'.",
            footer = {"", "Examples:",
                    "  jkdump initramfs                                  for this kernel, into CACHE/initramfs-RELEASE.img",
                    "  jkdump initramfs --output /boot/jkdump.img --config ./jkdump.conf --compression zstd",
                    "  jkdump initramfs --release 6.1.0-56-amd64 --modules-dir /srv/k/lib/modules/6.1.0-56-amd64",
                    "CACHE is ${JKDUMP_CACHE:-/var/cache/jkdump}; the runtime image is cached there too."})
    static final class Initramfs implements Callable<Integer> {
        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "where to write it (default CACHE/initramfs-RELEASE.img)")
        Path output;
        @Option(names = "--config", paramLabel = "FILE", description = "jkdump.conf to put in it (default /etc/jkdump.conf, or the defaults)")
        Path config = CaptureConfig.DEFAULT_FILE;
        @Option(names = "--release", paramLabel = "RELEASE", description = "capture kernel release (default: the running kernel's)")
        String release;
        @Option(names = "--modules-dir", paramLabel = "DIR", description = "its module tree (default /lib/modules/RELEASE)")
        Path modulesDir;
        @Option(names = "--busybox", paramLabel = "FILE", description = "a statically linked busybox (default /bin/busybox from busybox-static)")
        Path busybox = Path.of("/bin/busybox");
        @Option(names = "--compression", paramLabel = "gzip|zstd", description = "archive compression (default gzip)")
        String compression = "gzip";
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            var out = spec.commandLine().getOut();
            String rel = release != null ? release : ArmingCommands.release();
            Path mods = modulesDir != null ? modulesDir : Path.of("/lib/modules", rel);
            Path o = output != null ? output : RuntimeImage.cacheDir().resolve("initramfs-" + rel + ".img");
            var comp = switch (compression) {
                case "gzip" -> InitramfsBuilder.Compression.GZIP;
                case "zstd" -> InitramfsBuilder.Compression.ZSTD;
                default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--compression must be gzip or zstd");
            };
            var conf = CaptureConfig.read(config);
            var runtime = RuntimeImage.ensure(RuntimeImage.cacheDir(), out);
            var modules = InitramfsBuilder.modulesFor(conf, KernelModules.read(mods));
            Path aot = CaptureAotCache.train(runtime, ownJar(), conf, o.resolveSibling(o.getFileName() + ".aot"));
            var r = InitramfsBuilder.build(new InitramfsBuilder.Spec(mods, busybox, runtime, ownJar(), conf, modules,
                    java.util.Map.of(CaptureAotCache.PATH_IN_INITRAMFS, aot), InitramfsBuilder.captureInit(conf), comp), o);
            try {
                java.nio.file.Files.deleteIfExists(aot);
            } catch (java.io.IOException e) {
                out.printf("jkdump: could not remove %s: %s%n", aot, e.getMessage());
            }
            out.printf("wrote %s: %s (%s unpacked, %d entries)%n", r.file(), CaptureSizing.mib(r.compressedBytes()),
                    CaptureSizing.mib(r.unpackedBytes()), r.entries());
            out.printf("modules: %s%n", String.join(" ", r.modules()));
            out.printf("target: %s; collector flags: %s; final_action %s; failure_action %s%n", conf.target().describe(),
                    String.join(" ", conf.collectorFlags()), conf.finalAction().word(), conf.failureAction().word());
            return Main.EXIT_OK;
        }
    }

    @Command(name = "capture", mixinStandardHelpOptions = true,
            description = "Save the crashed kernel's memory (run by the capture kernel's /init): vmcore-dmesg.txt, then the dump, to the configured target; prints one JKDUMP-CAPTURE: status line.",
            footer = {"", "Examples:",
                    "  jkdump capture                                  as the capture /init runs it",
                    "  jkdump capture --vmcore ./vmcore.elf --target-dir /tmp/out     try it on a saved ELF dump"})
    static final class CaptureCommand implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE", description = "jkdump.conf (default /etc/jkdump.conf)")
        Path config = CaptureConfig.DEFAULT_FILE;
        @Option(names = "--vmcore", paramLabel = "FILE", description = "the crashed kernel's memory (default /proc/vmcore)")
        Path vmcore = Path.of("/proc/vmcore");
        @Option(names = "--target-dir", paramLabel = "DIR", description = "save under this directory instead of the configured target")
        Path targetDir;
        @Option(names = CaptureAotCache.TRAINING_OPTION, hidden = true,
                description = "the initramfs build's training run for the capture's AOT cache (see CaptureAotCache)")
        boolean aotTraining;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            var conf = CaptureConfig.read(config);
            PrintStream console = System.out;
            var capture = new Capture(conf, new JkdumpCollect(), new VmcoreDmesg(), console);
            var result = targetDir != null ? capture.run(vmcore, targetDir) : switch (conf.target()) {
                case LocalTarget t -> capture.run(vmcore, t.directoryInCaptureKernel());
                case SshTarget t -> capture.run(vmcore, t, t.path());
            };
            console.println(result.statusLine());
            console.flush();
            if (aotTraining) {
                CaptureAotCache.preload(ownJar(), conf, CaptureCommand.class.getClassLoader(), spec.commandLine().getErr());
                return Main.EXIT_OK;
            }
            return result.ok() ? Main.EXIT_OK : Main.EXIT_FAILED;
        }
    }
}
