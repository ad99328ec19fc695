package org.jkdump.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jkdump.capture.CaptureConfig;
import org.jkdump.capture.LocalTarget;
import org.jkdump.capture.SshTarget;
import org.jkdump.capture.InitramfsBuilder;
import org.jkdump.capture.RuntimeImage;
import org.jkdump.format.JkdumpException;
import org.jkdump.kexec.BzImage;
import org.jkdump.kexec.CaptureCommandLine;
import org.jkdump.kexec.CaptureSizing;
import org.jkdump.kexec.CrashReservation;
import org.jkdump.kexec.Initrd;
import org.jkdump.kexec.KexecFileLoad;
import org.jkdump.kexec.classic.KexecLoad;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jkdump load}, {@code unload} and {@code status}: arming the running kernel with a capture kernel. */
final class ArmingCommands {
    private ArmingCommands() {
    }

    static String release() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            throw new JkdumpException("/proc/sys/kernel/osrelease: cannot read the running kernel's release: " + e.getMessage());
        }
    }

    static Path defaultKernel() {
        return Path.of("/boot/vmlinuz-" + release());
    }

    static Path defaultInitrd() {
        return RuntimeImage.cacheDir().resolve("initramfs-" + release() + ".img");
    }

    static CaptureSizing sizing(BzImage kernel, Optional<Path> initrd, CrashReservation res) {
        long size = initrd.map(p -> {
            try {
                return Files.size(p);
            } catch (IOException e) {
                throw new JkdumpException(p + ": cannot read: " + e.getMessage());
            }
        }).orElse(0L);
        long unpacked = initrd.map(Initrd::unpackedSize).orElse(0L);
        return new CaptureSizing(res.size(), kernel.initSize(), size, unpacked, CaptureSizing.JVM_WORKING_SET);
    }

    @Command(name = "load", mixinStandardHelpOptions = true,
            description = "Load a capture kernel into the crashkernel= reservation (kexec_file_load), checking first that it fits.",
            footer = {"", "Examples:",
                    "  jkdump load --reuse-cmdline                 this kernel, the jkdump initramfs, this command line",
                    "  jkdump load --kernel /boot/vmlinuz-6.1.0-56-amd64 --initrd /var/cache/jkdump/initramfs-6.1.0-56-amd64.img \\",
                    "              --reuse-cmdline --append 'console=ttyS0'",
                    "Without --reuse-cmdline the capture kernel gets only the --append text."})
    static final class Load implements Callable<Integer> {
        @Option(names = "--kernel", paramLabel = "FILE", description = "capture kernel bzImage (default /boot/vmlinuz-RELEASE)")
        Path kernel;
        @Option(names = "--initrd", paramLabel = "FILE", description = "capture initramfs (default CACHE/initramfs-RELEASE.img, from 'jkdump initramfs')")
        Path initrd;
        @Option(names = "--no-initrd", description = "load the kernel without an initramfs")
        boolean noInitrd;
        @Option(names = "--append", paramLabel = "ARGS", description = "text added to the capture kernel's command line")
        String append;
        @Option(names = "--reuse-cmdline", description = "start from this kernel's command line (minus BOOT_IMAGE= and crashkernel=; plus irqpoll nr_cpus=1 reset_devices)")
        boolean reuse;
        @Option(names = "--force", description = "load even when the sizing check says it will not fit")
        boolean force;
        @Option(names = "--classic", description = "load with kexec_load(2): jkdump builds the ELF core header, boot_params and purgatory (kexec -p -c)")
        boolean classic;
        @Option(names = "--dry-run", description = "with --classic: print the segments, core header and purgatory instead of loading")
        boolean dryRun;
        /** Test only (the drill's --corrupt): shows the purgatory refusing a segment changed after its digest was taken. */
        @Option(names = "--test-flip-kernel-byte", hidden = true)
        boolean flipKernelByte;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (dryRun && !classic) throw new JkdumpException("--dry-run needs --classic (kexec_file_load builds its segments in the kernel)");
            var out = spec.commandLine().getOut();
            Path k = kernel != null ? kernel : defaultKernel();
            Optional<Path> i = noInitrd ? Optional.empty() : Optional.of(initrd != null ? initrd : defaultInitrd());
            if (i.isPresent() && !Files.exists(i.get()))
                throw new JkdumpException(i.get() + ": no such initramfs (build it with 'jkdump initramfs --output " + i.get() + "')");
            var image = BzImage.read(k);
            var res = CrashReservation.current();
            var sizing = sizing(image, i, res);
            var problems = sizing.problems();
            if (!problems.isEmpty() && !force)
                throw new JkdumpException("refusing to load: " + String.join("; ", problems) + " (--force loads anyway)");
            String running = reuse ? Files.readString(Path.of("/proc/cmdline")) : null;
            String cmdline = CaptureCommandLine.build(running, append);
            if (classic) {
                var crashImage = KexecLoad.plan(k, i, cmdline);
                if (dryRun) {
                    out.print(KexecLoad.describe(crashImage));
                    out.flush();
                    return Main.EXIT_OK;
                }
                if (flipKernelByte) KexecLoad.loadUncheckedForTest(crashImage.withFlippedByte("kernel", 0x1000));
                else KexecLoad.load(crashImage);
                cmdline = crashImage.bootParams().cmdline();
            } else {
                KexecFileLoad.loadCrash(new KexecFileLoad.Request(k, i, cmdline));
            }
            out.printf("loaded %s%s into the %s reservation%s%n", k, i.map(p -> " with " + p).orElse(""), CaptureSizing.mib(res.size()),
                    classic ? " (kexec_load)" : "");
            out.printf("capture command line: %s%n", cmdline);
            out.printf("needs about %s of %s%n", CaptureSizing.mib(sizing.needed()), CaptureSizing.mib(res.size()));
            return Main.EXIT_OK;
        }
    }

    @Command(name = "unload", mixinStandardHelpOptions = true, description = "Unload the capture kernel.",
            footer = {"", "Example:", "  jkdump unload"})
    static final class Unload implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            KexecFileLoad.unloadCrash();
            spec.commandLine().getOut().println("capture kernel unloaded");
            return Main.EXIT_OK;
        }
    }

    /** The record {@code status} prints. */
    record Status(long reservationBytes, String reservationRange, boolean loaded, String target, boolean targetReachable,
                  String targetNote, String initramfs, Long neededBytes, List<String> problems) {
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "The crashkernel= reservation, whether a capture kernel is loaded, the target and whether it is reachable, and sizing advice.",
            footer = {"", "Examples:", "  jkdump status", "  jkdump status --json", "  jkdump status --config /etc/jkdump.conf --initrd my.img"})
    static final class StatusCommand implements Callable<Integer> {
        @Option(names = "--json", description = "print JSON")
        boolean json;
        @Option(names = "--config", paramLabel = "FILE", description = "jkdump.conf (default /etc/jkdump.conf)")
        Path config = CaptureConfig.DEFAULT_FILE;
        @Option(names = "--kernel", paramLabel = "FILE", description = "capture kernel for the sizing advice (default /boot/vmlinuz-RELEASE)")
        Path kernel;
        @Option(names = "--initrd", paramLabel = "FILE", description = "capture initramfs for the sizing advice")
        Path initrd;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            var out = spec.commandLine().getOut();
            var res = CrashReservation.current();
            var conf = CaptureConfig.read(config);
            boolean reachable;
            String note;
            if (conf.target() instanceof SshTarget st) {
                // the server is only reached at capture time; what can be checked now is what goes into the initramfs
                reachable = Files.isReadable(st.key()) && Files.isReadable(st.knownHosts());
                note = reachable ? st.describe() + " (key and known_hosts present)"
                        : st.describe() + ": " + st.key() + " or " + st.knownHosts() + " is missing";
            } else if (conf.target() instanceof LocalTarget t && t.device().isPresent()) {
                String d = t.device().get();
                reachable = !d.startsWith("/dev/") || Files.exists(Path.of(d));
                note = d.startsWith("/dev/") ? (reachable ? d + " exists" : d + " does not exist") : d + " is resolved at capture time";
            } else {
                var t = conf.target();
                reachable = Files.isDirectory(t.path());
                note = reachable ? t.path() + " exists (it must also exist in the capture initramfs or be mounted by it)" : t.path() + " does not exist";
            }
            Path k = kernel != null ? kernel : defaultKernel();
            Path i = initrd != null ? initrd : defaultInitrd();
            Long needed = null;
            var problems = new ArrayList<String>();
            if (Files.exists(k) && Files.exists(i)) {
                var s = sizing(BzImage.read(k), Optional.of(i), res);
                needed = s.needed();
                problems.addAll(s.problems());
            } else {
                problems.add(Files.exists(k) ? i + " does not exist: no sizing advice (build it with 'jkdump initramfs', or give --initrd)"
                        : k + " does not exist: no sizing advice (give the capture kernel with --kernel)");
            }
            String range = res.range().map(r -> res.hidden() ? "(addresses hidden: not root)"
                    : String.format("%016x-%016x", r.start(), r.end())).orElse("none");
            var st = new Status(res.size(), range, res.loaded(), conf.target().describe(), reachable, note, i.toString(), needed, problems);
            if (json) {
                Json.print(out, st);
            } else {
                out.printf("%-14s %s%s%n", "reservation:", res.reserved() ? CaptureSizing.mib(res.size()) : "none (boot with crashkernel=256M)",
                        res.reserved() ? " at " + range : "");
                out.printf("%-14s %s%n", "capture kernel:", res.loaded() ? "loaded" : "not loaded");
                out.printf("%-14s %s (%s)%n", "target:", conf.target().describe(), note);
                out.printf("%-14s %s%n", "initramfs:", i);
                if (needed != null) out.printf("%-14s needs about %s of %s%n", "sizing:", CaptureSizing.mib(needed), CaptureSizing.mib(res.size()));
                for (String p : problems) out.printf("%-14s %s%n", "problem:", p);
            }
            return Main.EXIT_OK;
        }
    }
}
