package org.jkdump.kexec.classic;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.StringJoiner;
import org.jkdump.format.JkdumpException;
import org.jkdump.kexec.Errno;
import org.jkdump.kexec.ErrnoException;
import org.jkdump.kexec.Syscalls;

/**
 * The classic arming path: lays out a capture kernel in user space ({@link CrashImage}) and
 * hands the segments to kexec_load(2) with KEXEC_ON_CRASH, as {@code kexec -p -c} does. The
 * kernel only copies the segments into the reservation; the ELF core header, boot_params and
 * purgatory are jkdump's own.
 */
public final class KexecLoad {
    /** kexec_load flags (include/uapi/linux/kexec.h): the crash image, for an x86-64 kernel (EM_X86_64 << 16). */
    public static final long KEXEC_ON_CRASH = 1, KEXEC_ARCH_X86_64 = 62L << 16;
    /** struct kexec_segment { const void *buf; size_t bufsz; const void *mem; size_t memsz; }. */
    static final StructLayout KEXEC_SEGMENT = MemoryLayout.structLayout(ADDRESS.withName("buf"), JAVA_LONG.withName("bufsz"),
            JAVA_LONG.withName("mem"), JAVA_LONG.withName("memsz"));
    /** KEXEC_SEGMENT_MAX (include/linux/kexec.h). */
    static final int MAX_SEGMENTS = 16;
    private static final int EADDRNOTAVAIL = 99;

    private KexecLoad() {
    }

    /** Plans the load on the running system: /proc/iomem, sysfs, /proc/kcore, the running kernel's boot_params. */
    public static CrashImage plan(Path kernel, Optional<Path> initrd, String cmdline) {
        return plan(Path.of("/"), kernel, initrd, cmdline);
    }

    static CrashImage plan(Path root, Path kernel, Optional<Path> initrd, String cmdline) {
        long kernelSize = size(kernel);
        byte[] head = new byte[1024];
        try (var ch = FileChannel.open(kernel)) {
            var b = ByteBuffer.wrap(head);
            while (b.hasRemaining() && ch.read(b) > 0) {
            }
            head = java.util.Arrays.copyOf(head, b.position());
        } catch (IOException e) {
            throw new JkdumpException(kernel + ": cannot read: " + e.getMessage(), e);
        }
        var setup = SetupHeader.parse(head, kernelSize, kernel.toString());
        var inputs = CrashInputs.read(root);
        return CrashImage.plan(inputs, new CrashImage.Request(kernel, kernelSize, setup, initrd,
                initrd.map(KexecLoad::size).orElse(0L), cmdline, acpiRsdp(root.resolve("sys/kernel/boot_params/data"))));
    }

    /** Passes the segments to kexec_load; errors say what the errno means here. */
    public static void load(CrashImage image) {
        if (image.segments().size() > MAX_SEGMENTS)
            throw new JkdumpException(image.segments().size() + " segments; kexec_load takes at most " + MAX_SEGMENTS);
        try (var arena = Arena.ofConfined()) {
            var table = arena.allocate(KEXEC_SEGMENT, image.segments().size());
            long o = 0;
            for (var s : image.segments()) {
                MemorySegment buf = switch (s.content()) {
                    case Segment.Bytes b when b.bytes().length == 0 -> MemorySegment.NULL;
                    case Segment.Bytes b -> arena.allocateFrom(JAVA_BYTE, b.bytes());
                    case Segment.FileSlice f -> map(f, arena);
                };
                table.set(ADDRESS, o, buf);
                table.set(JAVA_LONG, o + 8, s.bufsz());
                table.set(JAVA_LONG, o + 16, s.mem());
                table.set(JAVA_LONG, o + 24, s.memsz());
                o += KEXEC_SEGMENT.byteSize();
            }
            Syscalls.kexecLoad(image.entry(), image.segments().size(), table, KEXEC_ON_CRASH | KEXEC_ARCH_X86_64);
        } catch (ErrnoException e) {
            throw new JkdumpException("kexec_load failed with " + Errno.describe(e.errno()) + ": " + explain(e.errno()), e);
        }
    }

    static String explain(int errno) {
        return switch (errno) {
            case Errno.EPERM -> "loading needs root (CAP_SYS_BOOT); as root, kexec_load is disabled"
                    + " (/proc/sys/kernel/kexec_load_disabled) or forbidden by lockdown (Secure Boot): use kexec_file_load (without --classic)";
            case Errno.EBUSY -> "a kexec is in progress or the capture kernel is in use; try again, or 'jkdump unload' first";
            case EADDRNOTAVAIL -> "a segment lies outside the crashkernel= reservation";
            case Errno.EINVAL -> "the kernel refused the segment table (overlap, misalignment or too many segments)";
            case Errno.ENOMEM -> "the kernel could not allocate memory for the segments";
            case Errno.ENOSYS -> "this kernel has no kexec_load (built without CONFIG_KEXEC)";
            default -> "unexpected error";
        };
    }

    /** What would be loaded, in the spirit of {@code kexec -p -d}: segments, entry, command line, memory map, header. */
    public static String describe(CrashImage image) {
        var out = new StringJoiner("\n", "", "\n");
        out.add(String.format("kexec_load: entry = 0x%x flags = 0x%x", image.entry(), KEXEC_ON_CRASH | KEXEC_ARCH_X86_64));
        out.add("nr_segments = " + image.segments().size());
        for (int i = 0; i < image.segments().size(); i++) {
            var s = image.segments().get(i);
            out.add(String.format("segment[%d] %-12s bufsz = 0x%-8x mem = 0x%-10x memsz = 0x%x", i, s.name(), s.bufsz(), s.mem(), s.memsz()));
        }
        out.add("command line: " + image.bootParams().cmdline());
        out.add(String.format("initrd: 0x%x size 0x%x", image.bootParams().initrdAddress(), image.bootParams().initrdSize()));
        out.add("e820 for the capture kernel:");
        image.bootParams().e820().forEach(r -> out.add(String.format("  %016x-%016x (%d) %s", r.start(), r.end(), r.type().e820(), r.type())));
        out.add(String.format("ELF core header at 0x%x (elfcorehdr=%dK), %d bytes, %d program headers:", image.headerAddress(),
                image.headerAddress() / 1024, image.header().size(), image.header().headers().size()));
        image.header().headers().forEach(h -> out.add("  " + h));
        out.add(String.format("backup of low memory at 0x%x", image.backupAddress()));
        out.add("purgatory:");
        image.purgatory().listing().forEach(out::add);
        return out.toString();
    }

    /** boot_params.acpi_rsdp_addr of the running kernel (0: unknown; the capture kernel then searches for the RSDP itself). */
    static long acpiRsdp(Path bootParams) {
        if (!Files.exists(bootParams)) return 0;
        try {
            byte[] b = Files.readAllBytes(bootParams);
            return b.length >= BootParams.ACPI_RSDP_ADDR + 8
                    ? ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(BootParams.ACPI_RSDP_ADDR) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static MemorySegment map(Segment.FileSlice f, Arena arena) {
        try (var ch = FileChannel.open(f.file())) {
            if (ch.size() < f.offset() + f.size())
                throw new JkdumpException(String.format("%s: %d bytes now, was %d: changed while loading", f.file(), ch.size(), f.offset() + f.size()));
            return ch.map(FileChannel.MapMode.READ_ONLY, f.offset(), f.size(), arena);
        } catch (IOException e) {
            throw new JkdumpException(f.file() + ": cannot map: " + e.getMessage(), e);
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
