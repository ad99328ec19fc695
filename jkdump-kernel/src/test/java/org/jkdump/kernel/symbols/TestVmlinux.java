package org.jkdump.kernel.symbols;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Writes a small x86-64 ELF executable with section headers and a {@code .symtab}, shaped like a
 * vmlinux: .text (AX), .rodata (A), .data (WA), .bss (NOBITS, WA), an optional GNU build-ID
 * note, .symtab, .strtab, .shstrtab. Each System.map letter becomes the section, binding and
 * type nm derives that letter from, so reading the file back must give the same letters.
 */
final class TestVmlinux {
    static final int TEXT = 1, RODATA = 2, DATA = 3, BSS = 4, NOTE = 5, SYMTAB = 6, STRTAB = 7, SHSTRTAB = 8;
    static final int SHN_ABS = 0xfff1;

    /** One raw .symtab entry. */
    record RawSymbol(String name, int info, int shndx, long value, long size) {
        static RawSymbol of(String name, int bind, int type, int shndx, long value) {
            return new RawSymbol(name, bind << 4 | type, shndx, value, 0);
        }
    }

    private TestVmlinux() {
    }

    /** The .symtab entry nm would print as {@code s}'s letter. */
    static RawSymbol entryFor(Symbol s) {
        char c = s.type();
        int bind = Character.isUpperCase(c) ? 1 : 0;
        return switch (c) {
            case 'T', 't' -> RawSymbol.of(s.name(), bind, 2, TEXT, s.address());
            case 'R', 'r' -> RawSymbol.of(s.name(), bind, 1, RODATA, s.address());
            case 'D', 'd' -> RawSymbol.of(s.name(), bind, 1, DATA, s.address());
            case 'B', 'b' -> RawSymbol.of(s.name(), bind, 1, BSS, s.address());
            case 'A' -> RawSymbol.of(s.name(), 1, 0, SHN_ABS, s.address());
            case 'W' -> RawSymbol.of(s.name(), 2, 2, TEXT, s.address());
            case 'V' -> RawSymbol.of(s.name(), 2, 1, DATA, s.address());
            default -> throw new IllegalArgumentException("no ELF shape for letter " + c);
        };
    }

    /** The ELF file's bytes; {@code symtab} false leaves the symbol table out (a stripped vmlinux). */
    static byte[] build(List<RawSymbol> symbols, Optional<String> buildId, boolean symtab) {
        var strtab = new ByteArrayOutputStream();
        strtab.write(0);
        var syms = ByteBuffer.allocate(24 * (symbols.size() + 1)).order(ByteOrder.LITTLE_ENDIAN);
        syms.position(24);  // the null symbol
        for (var s : symbols) {
            int nameOff = strtab.size();
            strtab.writeBytes(s.name().getBytes(StandardCharsets.ISO_8859_1));
            strtab.write(0);
            syms.putInt(nameOff).put((byte) s.info()).put((byte) 0).putShort((short) s.shndx()).putLong(s.value()).putLong(s.size());
        }
        var note = ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
        if (buildId.isPresent()) {
            var id = HexFormat.of().parseHex(buildId.get());
            note = ByteBuffer.allocate(16 + ((id.length + 3) & ~3)).order(ByteOrder.LITTLE_ENDIAN);
            note.putInt(4).putInt(id.length).putInt(3).put("GNU\0".getBytes(StandardCharsets.ISO_8859_1)).put(id);
        }
        String[] names = {"", ".text", ".rodata", ".data", ".bss", ".note.gnu.build-id", ".symtab", ".strtab", ".shstrtab"};
        var shstr = new ByteArrayOutputStream();
        var nameOffsets = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            nameOffsets[i] = shstr.size();
            shstr.writeBytes(names[i].getBytes(StandardCharsets.ISO_8859_1));
            shstr.write(0);
        }
        // layout: ELF header, note, symtab, strtab, shstrtab, section headers
        long noteAt = 64, symAt = noteAt + note.capacity(), strAt = symAt + syms.capacity(),
                shstrAt = strAt + strtab.size(), shAt = (shstrAt + shstr.size() + 7) & ~7L;
        var out = ByteBuffer.allocate((int) shAt + 64 * names.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[]{0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).position(16);
        out.putShort((short) 2).putShort((short) 62).putInt(1).putLong(0xffffffff81000000L).putLong(0).putLong(shAt)
                .putInt(0).putShort((short) 64).putShort((short) 56).putShort((short) 0).putShort((short) 64)
                .putShort((short) names.length).putShort((short) SHSTRTAB);
        out.position((int) noteAt);
        out.put(note.array()).put(syms.array()).put(strtab.toByteArray()).put(shstr.toByteArray());
        out.position((int) shAt + 64);  // section 0 stays null
        section(out, nameOffsets[TEXT], 1, 0x6, 0xffffffff81000000L, 64, 0, 0, 0);
        section(out, nameOffsets[RODATA], 1, 0x2, 0xffffffff82000000L, 64, 0, 0, 0);
        section(out, nameOffsets[DATA], 1, 0x3, 0xffffffff82600000L, 64, 0, 0, 0);
        section(out, nameOffsets[BSS], 8, 0x3, 0xffffffff83000000L, 0, 0x1000, 0, 0);
        section(out, nameOffsets[NOTE], 7, 0x2, 0, noteAt, note.capacity(), 0, 0);
        if (symtab) section(out, nameOffsets[SYMTAB], 2, 0, 0, symAt, syms.capacity(), STRTAB, 24);
        else section(out, nameOffsets[SYMTAB], 1, 0, 0, symAt, 0, 0, 0);  // a placeholder PROGBITS section
        section(out, nameOffsets[STRTAB], 3, 0, 0, strAt, strtab.size(), 0, 0);
        section(out, nameOffsets[SHSTRTAB], 3, 0, 0, shstrAt, shstr.size(), 0, 0);
        return out.array();
    }

    private static void section(ByteBuffer out, int name, int type, long flags, long addr, long offset, long size, int link, long entsize) {
        out.putInt(name).putInt(type).putLong(flags).putLong(addr).putLong(offset).putLong(size).putInt(link).putInt(0)
                .putLong(8).putLong(entsize);
    }
}
