package org.jkdump.kexec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.jkdump.format.JkdumpException;

/**
 * Arms and disarms the running kernel with kexec_file_load(2): the kernel itself parses the
 * bzImage, builds the ELF core header and the purgatory, and (with signature enforcement)
 * verifies the image. Only the crash (KEXEC_FILE_ON_CRASH) variant is offered: jkdump loads
 * capture kernels, not reboot kernels.
 */
public final class KexecFileLoad {
    /** What to load: the capture kernel, its initramfs (none: KEXEC_FILE_NO_INITRAMFS), its command line. */
    public record Request(Path kernel, Optional<Path> initrd, String cmdline) {
    }

    private KexecFileLoad() {
    }

    /** Loads the capture kernel into the crashkernel= reservation; errors name the cause and the sizes. */
    public static void loadCrash(Request request) {
        var image = BzImage.read(request.kernel());
        long initrdSize = request.initrd().map(KexecFileLoad::size).orElse(0L);
        int kernelFd = Syscalls.openReadOnly(request.kernel());
        int initrdFd = -1;
        try {
            long flags = Syscalls.KEXEC_FILE_ON_CRASH;
            if (request.initrd().isPresent()) initrdFd = Syscalls.openReadOnly(request.initrd().get());
            else flags |= Syscalls.KEXEC_FILE_NO_INITRAMFS;
            Syscalls.kexecFileLoad(kernelFd, initrdFd, request.cmdline(), flags);
        } catch (ErrnoException e) {
            if (e.call().startsWith("open")) throw e;
            throw new JkdumpException(explain(e.errno(), image, initrdSize, CrashReservation.current()), e);
        } finally {
            Syscalls.close(kernelFd);
            if (initrdFd >= 0) Syscalls.close(initrdFd);
        }
    }

    /** Unloads the capture kernel (kexec_file_load with KEXEC_FILE_UNLOAD | KEXEC_FILE_ON_CRASH). */
    public static void unloadCrash() {
        try {
            Syscalls.kexecFileLoad(-1, -1, null, Syscalls.KEXEC_FILE_UNLOAD | Syscalls.KEXEC_FILE_ON_CRASH);
        } catch (ErrnoException e) {
            throw new JkdumpException(explainUnload(e.errno()), e);
        }
    }

    /** The message for a failed load: what errno means here and what to do about it. */
    static String explain(int errno, BzImage image, long initrdSize, CrashReservation reservation) {
        String head = "kexec_file_load of " + image.file() + " failed with " + Errno.describe(errno) + ": ";
        return head + switch (errno) {
            case Errno.EPERM -> "loading a kernel needs root (CAP_SYS_BOOT); as root this means the kernel refuses"
                    + " unsigned or unverifiable images (lockdown, e.g. Secure Boot: " + lockdown() + ")"
                    + " or kexec is disabled (/proc/sys/kernel/kexec_load_disabled)";
            case Errno.EBUSY -> "a kexec is in progress or the capture kernel is in use; try again, or 'jkdump unload' first";
            case Errno.EINVAL -> "the kernel refused the arguments: a command line too long for the kernel, an image"
                    + " built without CONFIG_KEXEC_FILE support for this load, or a bad initramfs";
            case Errno.ENOMEM -> String.format("the crashkernel= reservation (%s) is too small for the kernel"
                            + " (file %s, init_size %s) and initramfs (%s)%s",
                    CaptureSizing.mib(reservation.size()), CaptureSizing.mib(image.fileSize()),
                    CaptureSizing.mib(image.initSize()), CaptureSizing.mib(initrdSize),
                    reservation.reserved() ? "" : "; there is no reservation at all: boot with crashkernel=256M");
            case Errno.ENOEXEC -> "the kernel does not accept " + image.file() + " as a bzImage it can load"
                    + " (a different architecture, or not built with the 64-bit kexec entry point)";
            case Errno.EKEYREJECTED, Errno.EBADMSG, Errno.ENOPKG -> "the image's signature could not be verified"
                    + " (the kernel enforces signed kexec images: " + lockdown() + ")";
            case Errno.ENOSYS -> "this kernel has no kexec_file_load (built without CONFIG_KEXEC_FILE)";
            default -> "unexpected error";
        };
    }

    static String explainUnload(int errno) {
        return "kexec_file_load (unload) failed with " + Errno.describe(errno) + switch (errno) {
            case Errno.EPERM -> ": unloading needs root (CAP_SYS_BOOT)";
            case Errno.EBUSY -> ": a kexec is in progress; try again";
            default -> "";
        };
    }

    private static String lockdown() {
        try {
            var f = Path.of("/sys/kernel/security/lockdown");
            return Files.exists(f) ? "lockdown " + Files.readString(f).strip() : "lockdown state unknown";
        } catch (IOException e) {
            return "lockdown state unreadable";
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new JkdumpException(p + ": cannot read: " + e.getMessage(), e);
        }
    }
}
