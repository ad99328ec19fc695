package org.jkdump.drill;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.jkdump.format.JkdumpException;

/**
 * What {@code jkdump drill} was asked for.
 *
 * @param crash       sysrq | oops | bug | panic | irq (NULL write in a timer callback, on the IRQ stack) |
 *                    oom (the kernel runs out of memory with vm.panic_on_oom=1) | lockup (a task spins with
 *                    preemption off until the soft-lockup watchdog panics, kernel.softlockup_panic=1) |
 *                    stack (endless recursion into the stack guard page: a double fault) | warn (WARN() with
 *                    kernel.panic_on_warn=1) | hung (a task left uninterruptible, kernel.hung_task_panic=1) |
 *                    nmi (QEMU's monitor sends an NMI to every CPU, kernel.unknown_nmi_panic=1)
 * @param kernel      6.1 | 6.12 | a full Debian kernel release
 * @param mem         guest memory, QEMU syntax (1G, 1536M)
 * @param crashkernel the crashkernel= value (256M)
 * @param keep        keep the disk images
 * @param yes         install missing host packages without asking
 * @param out         the run directory (default CACHE/drill/<time>-<release>-<crash>)
 * @param compareMakedumpfile also run Debian's makedumpfile -l -d 31 on the same /proc/vmcore and compare
 * @param classic     arm with {@code jkdump load --classic} (kexec_load, our own core header and purgatory)
 * @param flipKernelByte test of the purgatory's digest check: with classic, flip a byte of the loaded kernel
 *                    segment after the digest is taken (the capture kernel must then not boot)
 * @param target      where the capture kernel saves the dump: "disk" (the guest's second virtio disk) or
 *                    "ssh" (an sshd the drill starts on the host, reached over QEMU's user network)
 */
public record DrillOptions(String crash, String kernel, String mem, String crashkernel, boolean keep, boolean yes,
                           int timeoutSeconds, Optional<Path> out, boolean classic, boolean compareMakedumpfile,
                           boolean flipKernelByte, String target) {
    public static final String DISK = "disk", SSH = "ssh";

    /** A drill armed through kexec_file_load, saving to the disk, without the makedumpfile comparison. */
    public DrillOptions(String crash, String kernel, String mem, String crashkernel, boolean keep, boolean yes,
                        int timeoutSeconds, Optional<Path> out) {
        this(crash, kernel, mem, crashkernel, keep, yes, timeoutSeconds, out, false, false, false, DISK);
    }

    public DrillOptions {
        if (!java.util.Set.of("sysrq", "oops", "bug", "panic", "irq", "oom", "lockup", "stack", "warn", "hung", "nmi").contains(crash))
            throw new JkdumpException("--crash must be sysrq, oops, bug, panic, irq, oom, lockup, stack, warn, hung or nmi, not '" + crash + "'");
        bytes(mem, "--mem");
        bytes(crashkernel, "--crashkernel");
        if (flipKernelByte && !classic) throw new JkdumpException("flipping a kernel byte tests the classic purgatory: it needs --classic");
        if (!target.equals(DISK) && !target.equals(SSH)) throw new JkdumpException("--target must be disk or ssh, not '" + target + "'");
        // makedumpfile's dump goes next to jkdump's on the output disk, which an ssh drill has not
        if (compareMakedumpfile && target.equals(SSH))
            throw new JkdumpException("--compare-makedumpfile saves makedumpfile's dump on the guest's output disk: it needs --target disk");
    }

    /** Whether the capture saves over ssh to the drill's host-side sshd. */
    public boolean sshTarget() {
        return target.equals(SSH);
    }

    public long memBytes() {
        return bytes(mem, "--mem");
    }

    /** "1G", "256M", "1536m" → bytes. */
    static long bytes(String size, String option) {
        var m = java.util.regex.Pattern.compile("(\\d+)([KMGT]?)").matcher(size.toUpperCase(Locale.ROOT));
        if (!m.matches()) throw new JkdumpException(option + " must be a size like 1G or 256M, not '" + size + "'");
        long v = Long.parseLong(m.group(1));
        return v << switch (m.group(2)) {
            case "K" -> 10;
            case "M", "" -> 20;
            case "G" -> 30;
            default -> 40;
        };
    }
}
