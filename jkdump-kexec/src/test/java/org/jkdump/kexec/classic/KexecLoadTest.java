package org.jkdump.kexec.classic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole planning path over a root file system rebuilt from the recorded kexec-tools run:
 * /proc/iomem, sysfs notes, a /proc/kcore whose program headers carry the run's mappings,
 * /proc/kallsyms, the running kernel's boot_params, and bzImage/initrd files of the loaded sizes.
 */
class KexecLoadTest {
    static final long DIRECT_MAP = 0xffff8b8a80000000L, STEXT = 0xffffffffb4000000L;

    @Test
    void plansFromTheRunningSystemsFilesAsKexecToolsDid(@TempDir Path root) throws IOException {
        var run = KexecToolsRun.load();
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/iomem"), run.iomem().stream()
                .map(r -> String.format("%08x-%08x : %s", r.start(), r.end(), r.name())).collect(Collectors.joining("\n", "", "\n")));
        Files.writeString(root.resolve("proc/kallsyms"), "ffffffffb3e00000 T startup_64\nffffffffb4000000 T _stext\n");
        Files.write(root.resolve("proc/kcore"), kcore(new long[][] {{STEXT, 0x3430000}, {DIRECT_MAP, 0x3ffda000}, {0xffffc90000000000L, 1L << 40}}));
        for (int cpu = 0; cpu < 2; cpu++) {
            Path d = Files.createDirectories(root.resolve("sys/devices/system/cpu/cpu" + cpu));
            Files.writeString(d.resolve("crash_notes"), Long.toHexString(run.cpuNotes().get(cpu).address()) + "\n");
            Files.writeString(d.resolve("crash_notes_size"), "368\n");
        }
        Files.createDirectories(root.resolve("sys/kernel/boot_params"));
        Files.writeString(root.resolve("sys/kernel/vmcoreinfo"), "0x00000000011f2000 1024\n");
        var bp = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN).putLong(0x70, 0xf59c0);
        Files.write(root.resolve("sys/kernel/boot_params/data"), bp.array());
        Path kernel = sized(root.resolve("vmlinuz"), KexecToolsRun.bytes("vmlinuz-6.1.0-56-amd64.head"), KexecToolsRun.KERNEL_FILE_SIZE);
        Path initrd = sized(root.resolve("initrd.img"), new byte[0], KexecToolsRun.INITRD_SIZE);

        var image = KexecLoad.plan(root, kernel, Optional.of(initrd), "console=ttyS0,115200");

        assertThat(image.backupAddress()).isEqualTo(run.created("backup"));
        assertThat(image.headerAddress()).isEqualTo(run.created("elf header"));
        assertThat(image.bootParams().acpiRsdp()).isEqualTo(0xf59c0);
        var theirs = run.programHeaders();
        var ours = image.header().headers();
        assertThat(ours).hasSameSizeAs(theirs);
        for (int i = 0; i < ours.size(); i++)
            assertThat(new long[] {ours.get(i).type(), ours.get(i).offset(), ours.get(i).paddr(), ours.get(i).vaddr(), ours.get(i).filesz()})
                    .as("program header %d", i).containsExactly(theirs.get(i)[0], theirs.get(i)[1], theirs.get(i)[2], theirs.get(i)[3], theirs.get(i)[4]);
        String text = KexecLoad.describe(image);
        assertThat(text).contains("nr_segments = 6", "flags = 0x3e0001", "elfcorehdr=1031540K",
                "segment[0] initrd       bufsz = 0x4276ec   mem = 0x3a9d8000   memsz = 0x428000",
                "segment[1] kernel       bufsz = 0x7d87c0   mem = 0x3ae00000   memsz = 0x3f98000",
                "jmpq *%rax");
    }

    @Test
    void kexecSegmentHasTheKernelsLayout() {
        assertThat(KexecLoad.KEXEC_SEGMENT.byteSize()).isEqualTo(32);
        assertThat(KexecLoad.KEXEC_ON_CRASH | KexecLoad.KEXEC_ARCH_X86_64).isEqualTo(0x3e0001); // kexec-tools' flags in the run
    }

    /** A 64-bit ELF header and PT_LOADs {vaddr, memsz}: all KernelMapping reads of /proc/kcore. */
    static byte[] kcore(long[][] loads) {
        var b = ByteBuffer.allocate(64 + 56 * (loads.length + 1)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        b.putShort(16, (short) 4).putShort(18, (short) 62).putLong(0x20, 64).putShort(0x36, (short) 56).putShort(0x38, (short) (loads.length + 1));
        b.putInt(64, 4); // a PT_NOTE first, as in the real file
        for (int i = 0; i < loads.length; i++) {
            int o = 64 + 56 * (i + 1);
            b.putInt(o, 1).putLong(o + 0x10, loads[i][0]).putLong(o + 0x28, loads[i][1]);
        }
        return b.array();
    }

    static Path sized(Path p, byte[] head, long size) throws IOException {
        Files.write(p, head);
        try (var f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        }
        return p;
    }
}
