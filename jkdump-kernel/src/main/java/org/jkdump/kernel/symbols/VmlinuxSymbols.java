package org.jkdump.kernel.symbols;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jkdump.format.DumpSource;
import org.jkdump.format.MappedSource;

/**
 * The symbol table ({@code .symtab}) of a vmlinux ELF file, with nm's type letters and the
 * symbols' sizes, filtered as the kernel's {@code scripts/mksysmap} filters System.map, so a
 * vmlinux and its System.map give the same names, addresses and letters. Its GNU build ID
 * ({@code .note.gnu.build-id}) is read too, to hold against the dump's VMCOREINFO BUILD-ID.
 *
 * <p>Type letters follow binutils' nm: an undefined symbol is skipped, {@code SHN_ABS} gives
 * A, a weak symbol W (V for an object), and otherwise the section decides: executable T,
 * {@code SHT_NOBITS} B, read-only R, writable D; lower case for local binding.
 */
public final class VmlinuxSymbols implements SymbolFile {
    // Elf64_Ehdr (include/uapi/linux/elf.h)
    private static final int E_TYPE = 16, E_MACHINE = 18, E_SHOFF = 40, E_SHENTSIZE = 58, E_SHNUM = 60,
            E_SHSTRNDX = 62, EHDR_SIZE = 64;
    // Elf64_Shdr
    private static final int SH_TYPE = 4, SH_FLAGS = 8, SH_OFFSET = 24, SH_SIZE = 32, SH_LINK = 40, SH_ENTSIZE = 56,
            SHDR_SIZE = 64;
    // Elf64_Sym
    private static final int ST_NAME = 0, ST_INFO = 4, ST_SHNDX = 6, ST_VALUE = 8, ST_SIZE = 16, SYM_SIZE = 24;
    private static final int SHT_SYMTAB = 2, SHT_NOTE = 7, SHT_NOBITS = 8, SHT_SYMTAB_SHNDX = 18;
    private static final long SHF_WRITE = 0x1, SHF_ALLOC = 0x2, SHF_EXECINSTR = 0x4;
    private static final int SHN_UNDEF = 0, SHN_ABS = 0xfff1, SHN_COMMON = 0xfff2, SHN_XINDEX = 0xffff;
    private static final int STB_LOCAL = 0, STB_WEAK = 2, STB_GNU_UNIQUE = 10;
    private static final int STT_OBJECT = 1, STT_SECTION = 3, STT_FILE = 4;
    private static final int ET_EXEC = 2, ET_DYN = 3, EM_X86_64 = 62, NT_GNU_BUILD_ID = 3;
    /** A vmlinux has about 100 sections; a corrupt count is caught before it is used. */
    private static final long MAX_SECTIONS = 1 << 20;

    private final Path path;
    private final List<Symbol> symbols;
    private final int[] indexes;  // each symbol's index in .symtab
    private final Optional<String> buildId;

    private VmlinuxSymbols(Path path, List<Symbol> symbols, int[] indexes, Optional<String> buildId) {
        this.path = path;
        this.symbols = symbols;
        this.indexes = indexes;
        this.buildId = buildId;
    }

    /** Reads the symbol table of the vmlinux at {@code path}. */
    public static VmlinuxSymbols read(Path path) {
        try (var in = MappedSource.open(path)) {
            return read(path, in);
        }
    }

    /** One section header's fields that matter here. */
    private record Section(int type, long flags, long offset, long size, int link, long entsize) {
    }

    static VmlinuxSymbols read(Path path, DumpSource in) {
        in.checkRange(0, EHDR_SIZE, "ELF header");
        in.expect(0, "\177ELF");
        if (in.u8(4) != 2) throw in.malformed(4, "EI_CLASS %d is not ELFCLASS64: not an x86-64 vmlinux", in.u8(4));
        if (in.u8(5) != 1) throw in.malformed(5, "EI_DATA %d is not little-endian: not an x86-64 vmlinux", in.u8(5));
        int type = in.u16(E_TYPE);
        if (type != ET_EXEC && type != ET_DYN)
            throw in.malformed(E_TYPE, "e_type %d is not ET_EXEC: not a vmlinux (a core dump or module is given where a vmlinux belongs?)", type);
        if (in.u16(E_MACHINE) != EM_X86_64) throw in.malformed(E_MACHINE, "e_machine %d is not EM_X86_64 (62)", in.u16(E_MACHINE));
        var sections = sections(in);
        int symtab = -1;
        for (int i = 0; i < sections.size(); i++) if (sections.get(i).type() == SHT_SYMTAB) symtab = i;
        if (symtab < 0)
            throw new SymbolFileException(path.toString(), "has no .symtab section: a stripped vmlinux (use the one from the -dbg package, or a System.map)");
        var st = sections.get(symtab);
        long shdrAt = in.u64(E_SHOFF) + (long) symtab * SHDR_SIZE;
        if (st.entsize() != SYM_SIZE) throw in.malformed(shdrAt + SH_ENTSIZE, ".symtab sh_entsize %d is not %d", st.entsize(), SYM_SIZE);
        if (st.link() <= 0 || st.link() >= sections.size())
            throw in.malformed(shdrAt + SH_LINK, ".symtab sh_link %d names no section (of %d)", st.link(), sections.size());
        var strtab = sections.get(st.link());
        var symBytes = buffer(in, st, ".symtab");
        var strings = bytes(in, strtab, ".strtab");
        var xindex = sections.stream().filter(s -> s.type() == SHT_SYMTAB_SHNDX).findFirst().map(s -> buffer(in, s, ".symtab_shndx"));
        int count = (int) (st.size() / SYM_SIZE);
        var symbols = new ArrayList<Symbol>(count);
        var indexes = new int[count];
        for (int i = 1; i < count; i++) {  // symbol 0 is the null symbol
            int at = i * SYM_SIZE;
            int info = symBytes.get(at + ST_INFO) & 0xff;
            int bind = info >>> 4, stt = info & 0xf;
            int shndx = symBytes.getShort(at + ST_SHNDX) & 0xffff;
            if (stt == STT_SECTION || stt == STT_FILE || shndx == SHN_UNDEF) continue;
            if (shndx == SHN_XINDEX) {
                if (xindex.isEmpty()) throw in.malformed(st.offset() + at + ST_SHNDX, "symbol %d has SHN_XINDEX but there is no .symtab_shndx", i);
                if (4L * i + 4 > xindex.get().capacity())
                    throw in.malformed(st.offset() + at + ST_SHNDX, "symbol %d has SHN_XINDEX but .symtab_shndx holds only %d entries", i, xindex.get().capacity() / 4);
                shndx = xindex.get().getInt(4 * i);
            }
            long nameOff = Integer.toUnsignedLong(symBytes.getInt(at + ST_NAME));
            var name = string(in, strings, nameOff, strtab.offset(), i);
            char letter = letter(in, sections, bind, stt, shndx, st.offset() + at);
            if (!inSystemMap(name, letter)) continue;
            long size = symBytes.getLong(at + ST_SIZE);
            indexes[symbols.size()] = i;
            symbols.add(new Symbol(name, symBytes.getLong(at + ST_VALUE), letter,
                    size > 0 ? OptionalLong.of(size) : OptionalLong.empty(), Optional.empty()));
        }
        if (symbols.isEmpty()) throw new SymbolFileException(path.toString(), "its .symtab defines no symbols");
        return new VmlinuxSymbols(path, List.copyOf(symbols), Arrays.copyOf(indexes, symbols.size()), buildId(in, sections));
    }

    private static List<Section> sections(DumpSource in) {
        long shoff = in.u64(E_SHOFF);
        if (shoff == 0) throw in.malformed(E_SHOFF, "e_shoff is 0: the file has no section headers, so no symbol table");
        if (in.u16(E_SHENTSIZE) != SHDR_SIZE) throw in.malformed(E_SHENTSIZE, "e_shentsize %d is not %d", in.u16(E_SHENTSIZE), SHDR_SIZE);
        in.checkRange(shoff, SHDR_SIZE, "section header 0");
        long shnum = in.u16(E_SHNUM);
        if (shnum == 0) shnum = in.u64(shoff + SH_SIZE);  // more than 0xff00 sections: the count is in section 0
        if (shnum > MAX_SECTIONS) throw in.malformed(E_SHNUM, "%d sections is absurd for a vmlinux", shnum);
        in.checkRange(shoff, shnum * SHDR_SIZE, "section header table (" + shnum + " entries)");
        var out = new ArrayList<Section>((int) shnum);
        for (long i = 0; i < shnum; i++) {
            long h = shoff + i * SHDR_SIZE;
            out.add(new Section((int) in.u32(h + SH_TYPE), in.u64(h + SH_FLAGS), in.u64(h + SH_OFFSET), in.u64(h + SH_SIZE),
                    (int) in.u32(h + SH_LINK), in.u64(h + SH_ENTSIZE)));
        }
        return out;
    }

    private static byte[] bytes(DumpSource in, Section s, String what) {
        if (s.type() == SHT_NOBITS) throw in.malformed(s.offset(), "%s is SHT_NOBITS: it has no bytes in the file", what);
        in.checkRange(s.offset(), s.size(), what);
        if (s.size() > Integer.MAX_VALUE - 8) throw in.malformed(s.offset(), "%s of %d bytes is too large", what, s.size());
        return in.bytes(s.offset(), (int) s.size());
    }

    private static ByteBuffer buffer(DumpSource in, Section s, String what) {
        return ByteBuffer.wrap(bytes(in, s, what)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static String string(DumpSource in, byte[] strings, long offset, long strtabAt, int symbol) {
        if (offset >= strings.length)
            throw in.malformed(strtabAt, "symbol %d's name at string offset %d is past the end of .strtab (%d bytes)", symbol, offset, strings.length);
        int end = (int) offset;
        while (end < strings.length && strings[end] != 0) end++;
        if (end == strings.length) throw in.malformed(strtabAt + offset, "symbol %d's name is not NUL-terminated in .strtab", symbol);
        return new String(strings, (int) offset, end - (int) offset, StandardCharsets.ISO_8859_1);
    }

    /** nm's letter for a defined symbol (binutils' bfd_decode_symclass and decode_section_type). */
    private static char letter(DumpSource in, List<Section> sections, int bind, int stt, int shndx, long symAt) {
        if (bind == STB_GNU_UNIQUE) return 'u';
        if (bind == STB_WEAK) return stt == STT_OBJECT ? 'V' : 'W';
        char c;
        if (shndx == SHN_ABS) {
            c = 'a';
        } else if (shndx == SHN_COMMON) {
            c = 'c';
        } else {
            if (shndx < 0 || shndx >= sections.size())
                throw in.malformed(symAt + ST_SHNDX, "st_shndx %d names no section (of %d)", shndx, sections.size());
            var s = sections.get(shndx);
            if ((s.flags() & SHF_ALLOC) == 0) c = 'n';
            else if ((s.flags() & SHF_EXECINSTR) != 0) c = 't';
            else if (s.type() == SHT_NOBITS) c = 'b';
            else if ((s.flags() & SHF_WRITE) == 0) c = 'r';
            else c = 'd';
        }
        return bind == STB_LOCAL ? c : Character.toUpperCase(c);
    }

    /**
     * scripts/mksysmap's filter: no local absolute, debugging or undefined symbols
     * ({@code [aNUw]}), no {@code __crc_} entries, no assembler-local {@code .L}/{@code L0}
     * labels and no ARM mapping symbols ({@code $a $d $t}).
     */
    private static boolean inSystemMap(String name, char letter) {
        if (letter == 'a' || letter == 'n' || letter == 'N' || name.isEmpty()) return false;
        if (name.contains("__crc_") || name.startsWith(".L") || name.startsWith("L0")) return false;
        return !(name.length() >= 2 && name.charAt(0) == '$' && "adt".indexOf(name.charAt(1)) >= 0);
    }

    /** The NT_GNU_BUILD_ID note's descriptor, in hex, from any SHT_NOTE section. */
    private static Optional<String> buildId(DumpSource in, List<Section> sections) {
        for (var s : sections) {
            if (s.type() != SHT_NOTE) continue;
            in.checkRange(s.offset(), s.size(), "note section");
            long at = s.offset(), end = s.offset() + s.size();
            while (end - at >= 12) {
                long namesz = in.u32(at), descsz = in.u32(at + 4), ntype = in.u32(at + 8);
                long name = at + 12, desc = name + align4(namesz), next = desc + align4(descsz);
                if (namesz > end - name || descsz > end - desc || next > end) break;
                if (ntype == NT_GNU_BUILD_ID && namesz == 4 && in.ascii(name, 4).equals("GNU") && descsz > 0 && descsz <= 64)
                    return Optional.of(HexFormat.of().formatHex(in.bytes(desc, (int) descsz)));
                at = next;
            }
        }
        return Optional.empty();
    }

    private static long align4(long n) {
        return (n + 3) & ~3L;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public List<Symbol> symbols() {
        return symbols;
    }

    @Override
    public String where(int index) {
        return ".symtab entry " + indexes[index];
    }

    @Override
    public Optional<String> buildId() {
        return buildId;
    }

    @Override
    public String kind() {
        return "vmlinux";
    }

    @Override
    public String toString() {
        return "vmlinux " + path + " (" + symbols.size() + " symbols)";
    }
}
