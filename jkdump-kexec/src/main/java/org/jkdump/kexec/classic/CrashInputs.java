package org.jkdump.kexec.classic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jkdump.format.JkdumpException;
import org.jkdump.kexec.IomemRange;

/**
 * Everything the ELF core header is built from, read from the running kernel: the memory map
 * (/proc/iomem), the per-CPU crash note buffers the kernel fills at panic
 * (/sys/devices/system/cpu/cpuN/crash_notes, physical, and crash_notes_size), the VMCOREINFO
 * note (/sys/kernel/vmcoreinfo: physical address and size, both hexadecimal), the physical
 * load address of the kernel ("Kernel code" in /proc/iomem) and the virtual mappings
 * ({@link KernelMapping}).
 *
 * @param cpuNotes one per CPU directory that has crash_notes, in CPU number order
 */
public record CrashInputs(CrashMemoryMap memory, List<NoteLocation> cpuNotes, Optional<NoteLocation> vmcoreinfo,
                          long kernelPhysical, KernelMapping mapping) {
    private static final Pattern CPU_DIR = Pattern.compile("cpu(\\d+)");
    /** Bounds for sizes read from sysfs: a note buffer is a few hundred bytes, VMCOREINFO a page. */
    private static final long MAX_NOTE = 1 << 20;

    /** Reads the running system (root "/"), or a recorded copy of its files under another root. */
    public static CrashInputs read(Path root) {
        Path iomemFile = root.resolve("proc/iomem");
        CrashMemoryMap.of(IomemRange.parse(text(iomemFile), iomemFile.toString()), iomemFile.toString()); // reservation first: the likelier problem
        return read(root, KernelMapping.read(root));
    }

    /** As {@link #read(Path)} with the kernel's mappings already known (e.g. from a recording without /proc/kcore). */
    public static CrashInputs read(Path root, KernelMapping mapping) {
        Path iomemFile = root.resolve("proc/iomem");
        var iomem = IomemRange.parse(text(iomemFile), iomemFile.toString());
        return new CrashInputs(CrashMemoryMap.of(iomem, iomemFile.toString()), cpuNotes(root.resolve("sys/devices/system/cpu")),
                vmcoreinfo(root.resolve("sys/kernel/vmcoreinfo")), kernelPhysical(iomem, iomemFile.toString()),
                mapping);
    }

    /** The start of "Kernel code" in /proc/iomem: where the kernel image sits physically. */
    public static long kernelPhysical(List<IomemRange> iomem, String source) {
        return iomem.stream().filter(r -> r.name().equals("Kernel code")).findFirst()
                .map(IomemRange::start)
                .orElseThrow(() -> new JkdumpException(source + ": no \"Kernel code\" range: cannot place the kernel text"));
    }

    static List<NoteLocation> cpuNotes(Path cpuDir) {
        var cpus = new ArrayList<Integer>();
        try (var dirs = Files.list(cpuDir)) {
            dirs.forEach(d -> {
                var m = CPU_DIR.matcher(d.getFileName().toString());
                if (m.matches()) cpus.add(Integer.parseInt(m.group(1)));
            });
        } catch (IOException e) {
            throw new JkdumpException(cpuDir + ": cannot list: " + e.getMessage(), e);
        }
        cpus.sort(null);
        var out = new ArrayList<NoteLocation>();
        for (int cpu : cpus) {
            Path notes = cpuDir.resolve("cpu" + cpu + "/crash_notes");
            if (!Files.exists(notes)) continue; // not possible on this machine: kexec-tools skips it too
            Path sizeFile = cpuDir.resolve("cpu" + cpu + "/crash_notes_size");
            long addr = hex(notes, text(notes).strip());
            long size = Files.exists(sizeFile) ? decimal(sizeFile, text(sizeFile).strip()) : 0;
            if (size <= 0 || size > MAX_NOTE)
                throw new JkdumpException(sizeFile + ": crash_notes_size " + size + " is not between 1 and " + MAX_NOTE);
            out.add(new NoteLocation(addr, size));
        }
        if (out.isEmpty()) throw new JkdumpException(cpuDir + ": no cpuN/crash_notes: the kernel was built without CONFIG_CRASH_DUMP");
        return out;
    }

    /** "0x00000000011f0000 1024": both numbers hexadecimal (kernel/ksysfs.c prints "%pa %x"). */
    static Optional<NoteLocation> vmcoreinfo(Path file) {
        if (!Files.exists(file)) return Optional.empty();
        String[] words = text(file).strip().split("\\s+");
        if (words.length != 2) throw new JkdumpException(file + ": expected 'ADDRESS SIZE', found '" + String.join(" ", words) + "'");
        long size = hex(file, words[1]);
        if (size <= 0 || size > MAX_NOTE) throw new JkdumpException(file + ": VMCOREINFO size 0x" + words[1] + " out of bounds");
        return Optional.of(new NoteLocation(hex(file, words[0]), size));
    }

    private static long hex(Path file, String s) {
        try {
            return Long.parseUnsignedLong(s.startsWith("0x") ? s.substring(2) : s, 16);
        } catch (NumberFormatException e) {
            throw new JkdumpException(file + ": expected a hexadecimal address, found '" + s + "'");
        }
    }

    private static long decimal(Path file, String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new JkdumpException(file + ": expected a number, found '" + s + "'");
        }
    }

    private static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new JkdumpException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
