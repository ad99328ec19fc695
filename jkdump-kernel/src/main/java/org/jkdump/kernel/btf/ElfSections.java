package org.jkdump.kernel.btf;

import java.util.Optional;
import org.jkdump.format.DumpSource;

/**
 * Finds a named section in an ELF64 little-endian file (a vmlinux, a module's .ko) through
 * its section header table and section-name string table (Elf64_Ehdr, Elf64_Shdr in
 * include/uapi/linux/elf.h), following the SHN_XINDEX escapes for large section counts.
 */
final class ElfSections {
    // Elf64_Ehdr
    private static final int EI_CLASS = 4, EI_DATA = 5, E_SHOFF = 0x28, E_SHENTSIZE = 0x3a, E_SHNUM = 0x3c,
            E_SHSTRNDX = 0x3e, EHDR_SIZE = 64;
    // Elf64_Shdr
    private static final int SH_NAME = 0, SH_TYPE = 4, SH_OFFSET = 24, SH_SIZE = 32, SH_LINK = 40, SHDR_SIZE = 64;
    private static final int SHT_NOBITS = 8, SHN_XINDEX = 0xffff;
    /** Far more sections than any vmlinux (about 80) or module (a few hundred with -ffunction-sections) has. */
    private static final long MAX_SECTIONS = 1 << 20;

    /** A section's place in the file. */
    record Section(String name, long offset, long size) {
    }

    private ElfSections() {
    }

    static Optional<Section> find(DumpSource elf, String wanted) {
        elf.checkRange(0, EHDR_SIZE, "ELF header");
        elf.expect(0, "\177ELF");
        if (elf.u8(EI_CLASS) != 2) throw elf.malformed(EI_CLASS, "EI_CLASS %d is not ELFCLASS64", elf.u8(EI_CLASS));
        if (elf.u8(EI_DATA) != 1) throw elf.malformed(EI_DATA, "EI_DATA %d is not little-endian", elf.u8(EI_DATA));
        long shoff = elf.u64(E_SHOFF);
        int entsize = elf.u16(E_SHENTSIZE);
        if (shoff == 0) throw elf.malformed(E_SHOFF, "no section header table (e_shoff is 0)");
        if (entsize != SHDR_SIZE) throw elf.malformed(E_SHENTSIZE, "e_shentsize %d is not %d", entsize, SHDR_SIZE);
        elf.checkRange(shoff, SHDR_SIZE, "section header 0");
        long shnum = elf.u16(E_SHNUM);
        if (shnum == 0) shnum = elf.u64(shoff + SH_SIZE); // more than 0xff00 sections: count in section 0
        long strndx = elf.u16(E_SHSTRNDX);
        if (strndx == SHN_XINDEX) strndx = elf.u32(shoff + SH_LINK);
        if (shnum > MAX_SECTIONS) throw elf.malformed(E_SHNUM, "%d sections is absurd", shnum);
        elf.checkRange(shoff, shnum * SHDR_SIZE, "section header table (" + shnum + " entries)");
        if (strndx >= shnum) throw elf.malformed(E_SHSTRNDX, "e_shstrndx %d is not below the section count %d", strndx, shnum);
        long strHdr = shoff + strndx * SHDR_SIZE;
        long strOff = elf.u64(strHdr + SH_OFFSET), strSize = elf.u64(strHdr + SH_SIZE);
        elf.checkRange(strOff, strSize, "section name table");
        for (long i = 0; i < shnum; i++) {
            long sh = shoff + i * SHDR_SIZE;
            long nameOff = elf.u32(sh + SH_NAME);
            if (nameOff >= strSize) throw elf.malformed(sh + SH_NAME, "section %d: name offset %d is past the section name table", i, nameOff);
            var name = elf.ascii(strOff + nameOff, (int) Math.min(256, strSize - nameOff));
            if (!name.equals(wanted)) continue;
            if (elf.u32(sh + SH_TYPE) == SHT_NOBITS) throw elf.malformed(sh + SH_TYPE, "section %s has no data (SHT_NOBITS)", wanted);
            long off = elf.u64(sh + SH_OFFSET), size = elf.u64(sh + SH_SIZE);
            elf.checkRange(off, size, "section " + wanted);
            return Optional.of(new Section(name, off, size));
        }
        return Optional.empty();
    }
}
