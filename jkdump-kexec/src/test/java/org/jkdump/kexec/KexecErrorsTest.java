package org.jkdump.kexec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jkdump.format.JkdumpException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KexecErrorsTest {
    private static final BzImage IMAGE = new BzImage(Path.of("/boot/vmlinuz"), 8 << 20, 0x020f, 40 << 20);
    private static final CrashReservation RES_128M = new CrashReservation(128L << 20, Optional.empty(), false, false);

    @Test
    void enomemGivesKernelInitramfsAndReservationSizes() {
        assertThat(KexecFileLoad.explain(Errno.ENOMEM, IMAGE, 60L << 20, RES_128M))
                .contains("ENOMEM", "reservation (128.0 MiB)", "file 8.0 MiB", "init_size 40.0 MiB", "initramfs (60.0 MiB)");
    }

    @Test
    void enomemWithoutReservationSaysHowToReserve() {
        var none = CrashReservation.of(0, List.of(), false);
        assertThat(KexecFileLoad.explain(Errno.ENOMEM, IMAGE, 0, none)).contains("crashkernel=256M");
    }

    @Test
    void epermNamesRootAndLockdown() {
        assertThat(KexecFileLoad.explain(Errno.EPERM, IMAGE, 0, RES_128M)).contains("root", "lockdown", "Secure Boot");
    }

    @Test
    void eachDocumentedErrnoHasItsOwnExplanation() {
        for (int e : new int[]{Errno.EBUSY, Errno.EINVAL, Errno.ENOEXEC})
            assertThat(KexecFileLoad.explain(e, IMAGE, 0, RES_128M)).doesNotContain("unexpected error").contains(Errno.describe(e));
        assertThat(KexecFileLoad.explain(Errno.ENOEXEC, IMAGE, 0, RES_128M)).contains("bzImage");
        assertThat(KexecFileLoad.explain(Errno.EBUSY, IMAGE, 0, RES_128M)).contains("jkdump unload");
    }

    @Test
    void errnoIsCapturedFromARealFailedSystemCall(@TempDir Path dir) {
        assertThatThrownBy(() -> Syscalls.openReadOnly(dir.resolve("absent")))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT))
                .hasMessageContaining("ENOENT");
    }

    @Test
    void opensAndClosesARealFile(@TempDir Path dir) throws IOException {
        var f = Files.writeString(dir.resolve("f"), "x");
        int fd = Syscalls.openReadOnly(f);
        assertThat(fd).isGreaterThan(2);
        Syscalls.close(fd);
        assertThatThrownBy(() -> Syscalls.close(fd)).hasMessageContaining("EBADF");
    }

    @Test
    void refusesAFileThatIsNotABzImage(@TempDir Path dir) throws IOException {
        var f = Files.write(dir.resolve("notakernel"), new byte[4096]);
        assertThatThrownBy(() -> BzImage.read(f)).isInstanceOf(JkdumpException.class)
                .hasMessageContaining("offset 0x202: no \"HdrS\" setup header signature (found 0x00000000): not an x86 bzImage");
    }

    @Test
    void sizingRefusesAnInitramfsTheReservationCannotUnpack() {
        // the drill's numbers: Debian 6.1 init_size 63.6 MiB, our initramfs 26.8 MiB packed, 70.6 MiB unpacked
        var s = new CaptureSizing(192L << 20, 64L << 20, 27L << 20, 71L << 20, CaptureSizing.JVM_WORKING_SET);
        assertThat(s.problems()).hasSize(3);
        assertThat(s.problems().get(0)).contains("192.0 MiB", "cannot unpack", "kernel init_size 64.0 MiB", "unpacked 71.0 MiB");
        assertThat(s.problems().get(1)).contains("capture needs", "unpacked files 71.0 MiB");
        assertThat(s.problems().get(2)).contains("unpacks to 71.0 MiB", "about 64.0 MiB");
        var fits = new CaptureSizing(256L << 20, 64L << 20, 27L << 20, 71L << 20, CaptureSizing.JVM_WORKING_SET);
        assertThat(fits.problems()).isEmpty();
    }

    @Test
    void sizingSeparatesTheImagesThatUnpackedAtCrashkernel256FromTheOneThatDidNot() {
        // measured under QEMU, Debian 6.1 (init_size 63.6 MiB), crashkernel=256M
        long initSize = (long) (63.6 * (1 << 20));
        var booted = new CaptureSizing(256L << 20, initSize, (long) (28.6 * (1 << 20)), 78L << 20, CaptureSizing.JVM_WORKING_SET);
        assertThat(booted.problems()).isEmpty();
        var failed = new CaptureSizing(256L << 20, initSize, (long) (35.2 * (1 << 20)), (long) (90.9 * (1 << 20)), CaptureSizing.JVM_WORKING_SET);
        assertThat(failed.problems()).singleElement().asString().contains("cannot unpack this initramfs");
        // with the AOT cache: the makedumpfile drill's image and the ssh drill's (network drivers, MINA's client) booted;
        // the ssh drill's with the disk drivers too and all of MINA SSHD in the cache stopped with "Initramfs unpacking failed"
        for (double[] packedUnpacked : new double[][]{{38.8, 76.8}, {38.5, 76.9}})
            assertThat(new CaptureSizing(256L << 20, initSize, (long) (packedUnpacked[0] * (1 << 20)), (long) (packedUnpacked[1] * (1 << 20)),
                    CaptureSizing.JVM_WORKING_SET).problems()).as("%s MiB + %s MiB", packedUnpacked[0], packedUnpacked[1]).isEmpty();
        var sshFailed = new CaptureSizing(256L << 20, initSize, 41_323_851, (long) (80.4 * (1 << 20)), CaptureSizing.JVM_WORKING_SET);
        assertThat(sshFailed.problems()).singleElement().asString().contains("cannot unpack this initramfs");
    }

    @Test
    void kexecFileLoadReachesTheKernelAndReportsItsErrno() {
        // fd -1 makes the kernel fail without loading anything: EBADF as root, EPERM without
        // CAP_SYS_BOOT, ENOSYS where a sandbox (or a kernel without CONFIG_KEXEC_FILE) lacks the call
        assertThatThrownBy(() -> Syscalls.kexecFileLoad(-1, -1, "", Syscalls.KEXEC_FILE_ON_CRASH))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isIn(Errno.EBADF, Errno.EPERM, Errno.ENOSYS));
    }
}
