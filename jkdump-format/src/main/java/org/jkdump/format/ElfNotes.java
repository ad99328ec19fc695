package org.jkdump.format;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Walks a block of ELF notes (Elf64_Nhdr: n_namesz, n_descsz, n_type, then name and
 * descriptor each padded to 4 bytes). The same layout is used by PT_NOTE segments, by the
 * kdump sub-header's note area and by /sys/devices/system/cpu/cpuN/crash_notes.
 */
public final class ElfNotes {
    /** No note the kernel or QEMU writes comes near this; larger sizes mean corruption. */
    static final int MAX_NOTE_BYTES = 16 << 20;

    private ElfNotes() {
    }

    /**
     * Parses the notes in {@code source[offset, offset+length)}. A zero-filled tail (the kernel
     * pads crash_notes and /proc/vmcore's note segments) ends the walk.
     */
    public static List<ElfNote> parse(DumpSource source, long offset, long length) {
        var notes = new ArrayList<ElfNote>();
        walk(source, offset, length, (name, type, descOff, descsz) -> {
            notes.add(new ElfNote(name, type, source.bytes(descOff, (int) descsz)));
            return true;
        });
        return notes;
    }

    /**
     * The VMCOREINFO note of the notes in {@code source[offset, offset+length)}, if there is
     * one, remembering where its text lies in the file (for messages about its values).
     */
    public static Optional<VmcoreInfo> vmcoreinfo(DumpSource source, long offset, long length) {
        if (length == 0) return Optional.empty();
        var found = new ArrayList<VmcoreInfo>(1);
        walk(source, offset, length, (name, type, descOff, descsz) -> {
            if (!name.equals("VMCOREINFO")) return true;
            found.add(VmcoreInfo.parse(source.bytes(descOff, (int) descsz), source.name(), descOff));
            return false;
        });
        return found.stream().findFirst();
    }

    /** What {@link #walk} shows of each note; returns whether to go on. */
    private interface NoteVisitor {
        boolean visit(String name, int type, long descOffset, long descSize);
    }

    private static void walk(DumpSource source, long offset, long length, NoteVisitor visitor) {
        source.checkRange(offset, length, "note segment");
        long pos = offset, end = offset + length;
        while (end - pos >= 12) {
            long namesz = source.u32(pos), descsz = source.u32(pos + 4);
            int type = source.i32(pos + 8);
            if (namesz == 0 && descsz == 0 && type == 0) break;
            if (namesz > 4096 || descsz > MAX_NOTE_BYTES)
                throw source.malformed(pos, "ELF note with name size %d and descriptor size %d is absurd", namesz, descsz);
            long nameOff = pos + 12, descOff = nameOff + align4(namesz), next = descOff + align4(descsz);
            if (next > end)
                throw source.malformed(pos, "ELF note (name %d, descriptor %d bytes) runs past the end of its segment at 0x%x",
                        namesz, descsz, end);
            var nameBytes = source.bytes(nameOff, (int) namesz);
            int n = nameBytes.length;
            while (n > 0 && nameBytes[n - 1] == 0) n--;
            if (!visitor.visit(new String(nameBytes, 0, n, StandardCharsets.ISO_8859_1), type, descOff, descsz)) return;
            pos = next;
        }
    }

    /** One {@link CpuState} per NT_PRSTATUS note, CPU numbers in note order. */
    public static List<CpuState> cpuStates(List<ElfNote> notes, String file) {
        var prs = notes.stream().filter(ElfNote::isPrStatus).toList();
        var cpus = new ArrayList<CpuState>();
        for (int i = 0; i < prs.size(); i++) cpus.add(CpuState.fromPrStatus(i, prs.get(i).desc(), file));
        return List.copyOf(cpus);
    }

    static long align4(long v) {
        return (v + 3) & ~3L;
    }
}
