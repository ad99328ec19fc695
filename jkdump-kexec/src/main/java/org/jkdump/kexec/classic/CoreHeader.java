package org.jkdump.kexec.classic;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The ELF core header the capture kernel turns into /proc/vmcore (it finds it through
 * {@code elfcorehdr=} and reads the notes and memory it describes from the old kernel's
 * memory). Program headers in the order the kernel's vmcore code and kexec-tools use: one
 * PT_NOTE per CPU (the crash_notes buffers the panicking kernel fills with NT_PRSTATUS), the
 * VMCOREINFO PT_NOTE, a PT_LOAD for the kernel text mapping (so a reader can translate
 * kernel text addresses without page tables), then a PT_LOAD per RAM region outside the
 * reservation, its virtual address in the direct map. The low-memory region the capture
 * kernel reuses is described with its old contents' new home, the backup segment.
 *
 * @param size bytes of the segment: the headers rounded up to 1 KiB, the unit elfcorehdr= takes
 */
public record CoreHeader(List<ProgramHeader> headers, int size) {
    /** sizeof(Elf64_Ehdr). */
    public static final int EHDR_SIZE = 64;
    /** elfcorehdr= is given in KiB, so the header starts and ends on a 1 KiB boundary. */
    public static final int ALIGN = 1024;
    private static final short ET_CORE = 4, EM_X86_64 = 62;

    /**
     * Builds the header.
     *
     * @param backupAddress physical address of the backup segment holding the old contents of
     *                      {@code inputs.memory().backupSource()}
     */
    public static CoreHeader build(CrashInputs inputs, long backupAddress) {
        var h = new ArrayList<ProgramHeader>();
        inputs.cpuNotes().forEach(n -> h.add(ProgramHeader.note(n)));
        inputs.vmcoreinfo().ifPresent(n -> h.add(ProgramHeader.note(n)));
        var map = inputs.mapping();
        h.add(ProgramHeader.load(inputs.kernelPhysical(), map.textVirtual(), inputs.kernelPhysical(), map.textSize()));
        var backup = inputs.memory().backupSource();
        for (var r : inputs.memory().ram()) {
            boolean backedUp = r.start() == backup.start() && r.end() == backup.end();
            h.add(ProgramHeader.load(backedUp ? backupAddress : r.start(), map.directMap(r.start()), r.start(), r.size()));
        }
        int bytes = EHDR_SIZE + h.size() * ProgramHeader.SIZE;
        return new CoreHeader(List.copyOf(h), (bytes + ALIGN - 1) / ALIGN * ALIGN);
    }

    /** The segment's bytes: Elf64_Ehdr, the program headers, zero padding. */
    public byte[] bytes() {
        var b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        // Elf64_Ehdr: e_ident = \x7fELF, ELFCLASS64, ELFDATA2LSB, EV_CURRENT, ELFOSABI_NONE
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
        b.putShort(ET_CORE).putShort(EM_X86_64).putInt(1); // e_type, e_machine, e_version
        b.putLong(0).putLong(EHDR_SIZE).putLong(0);         // e_entry, e_phoff, e_shoff
        b.putInt(0).putShort((short) EHDR_SIZE).putShort((short) ProgramHeader.SIZE); // e_flags, e_ehsize, e_phentsize
        b.putShort((short) headers.size()).putShort((short) 0).putShort((short) 0).putShort((short) 0); // e_phnum, e_shentsize, e_shnum, e_shstrndx
        for (var p : headers) {
            b.putInt(p.type()).putInt(p.flags()).putLong(p.offset()).putLong(p.vaddr()).putLong(p.paddr())
                    .putLong(p.filesz()).putLong(p.memsz()).putLong(0); // p_align 0, as the kernel's own header
        }
        return b.array();
    }
}
