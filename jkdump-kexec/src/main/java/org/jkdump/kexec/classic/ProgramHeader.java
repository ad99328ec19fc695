package org.jkdump.kexec.classic;

/**
 * One Elf64_Phdr of the core header (include/uapi/linux/elf.h). For a PT_LOAD, {@code offset}
 * is the physical address the capture kernel reads the segment's bytes from (the kernel's
 * vmcore code treats p_offset of the loaded header as physical), which differs from
 * {@code paddr} only for the backed-up low memory.
 */
public record ProgramHeader(int type, int flags, long offset, long vaddr, long paddr, long filesz, long memsz) {
    public static final int PT_LOAD = 1, PT_NOTE = 4;
    public static final int PF_RWX = 7;
    /** sizeof(Elf64_Phdr). */
    public static final int SIZE = 56;

    static ProgramHeader note(NoteLocation n) {
        return new ProgramHeader(PT_NOTE, 0, n.address(), 0, n.address(), n.size(), n.size());
    }

    static ProgramHeader load(long offset, long vaddr, long paddr, long size) {
        return new ProgramHeader(PT_LOAD, PF_RWX, offset, vaddr, paddr, size, size);
    }

    @Override
    public String toString() {
        return String.format("%-7s offset 0x%x paddr 0x%x vaddr 0x%x size 0x%x", type == PT_NOTE ? "PT_NOTE" : "PT_LOAD",
                offset, paddr, vaddr, filesz);
    }
}
