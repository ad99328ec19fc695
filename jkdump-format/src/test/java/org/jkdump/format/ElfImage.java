package org.jkdump.format;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds small ELF core images byte by byte for tests, independently of our writers: any
 * header layout (section headers before the program headers, PN_XNUM), any notes and loads.
 */
final class ElfImage {
    record Load(long paddr, byte[] data, long memSize) {
    }

    final List<ElfNote> notes = new ArrayList<>();
    final List<Load> loads = new ArrayList<>();
    int flags;
    /** Put section header 0 (and a string table section) before the program headers, QEMU's way. */
    boolean sectionsFirst;
    /** Store the program header count in section header 0 with e_phnum = PN_XNUM. */
    boolean pnXnum;

    ElfImage note(String name, int type, byte[] desc) {
        notes.add(new ElfNote(name, type, desc));
        return this;
    }

    ElfImage load(long paddr, byte[] data, long memSize) {
        loads.add(new Load(paddr, data, memSize));
        return this;
    }

    static byte[] encodeNotes(List<ElfNote> notes) {
        var out = new ByteArrayOutputStream();
        for (var n : notes) {
            byte[] name = (n.name() + "\0").getBytes(StandardCharsets.ISO_8859_1);
            byte[] desc = n.desc();
            var h = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(name.length).putInt(desc.length).putInt(n.type());
            out.writeBytes(h.array());
            out.writeBytes(name);
            out.writeBytes(new byte[(int) (ElfNotes.align4(name.length) - name.length)]);
            out.writeBytes(desc);
            out.writeBytes(new byte[(int) (ElfNotes.align4(desc.length) - desc.length)]);
        }
        return out.toByteArray();
    }

    byte[] build() {
        int shnum = sectionsFirst ? 2 : pnXnum ? 1 : 0;
        int phnum = 1 + loads.size();
        long shoff = shnum == 0 ? 0 : sectionsFirst ? 64 : 64 + 56L * phnum;
        long phoff = sectionsFirst ? 64 + 64L * shnum : 64;
        byte[] noteBytes = encodeNotes(notes);
        byte[] shstrtab = "\0.shstrtab\0".getBytes(StandardCharsets.ISO_8859_1);
        long headersEnd = 64 + 56L * phnum + 64L * shnum;
        long strtabOff = headersEnd;
        long noteOff = strtabOff + (sectionsFirst ? shstrtab.length : 0);
        long dataOff = noteOff + noteBytes.length;
        var b = ByteBuffer.allocate((int) (dataOff + loads.stream().mapToLong(l -> l.data().length).sum())).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        b.putShort(16, (short) 4).putShort(18, (short) 62).putInt(20, 1).putLong(32, phoff).putLong(40, shoff).putInt(48, flags)
                .putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) (pnXnum ? 0xffff : phnum))
                .putShort(58, (short) (shnum == 0 ? 0 : 64)).putShort(60, (short) shnum).putShort(62, (short) (sectionsFirst ? 1 : 0));
        if (shnum > 0) {
            b.putInt((int) shoff + 44, pnXnum ? phnum : 0); // section 0: sh_info = real e_phnum
            if (sectionsFirst) {
                int s1 = (int) shoff + 64;
                b.putInt(s1, 1).putInt(s1 + 4, 3).putLong(s1 + 24, strtabOff).putLong(s1 + 32, shstrtab.length);
                b.put((int) strtabOff, shstrtab);
            }
        }
        int ph = (int) phoff;
        b.putInt(ph, 4).putLong(ph + 8, noteOff).putLong(ph + 32, noteBytes.length).putLong(ph + 40, noteBytes.length);
        b.put((int) noteOff, noteBytes);
        long off = dataOff;
        for (var l : loads) {
            ph += 56;
            b.putInt(ph, 1).putInt(ph + 4, 7).putLong(ph + 8, off).putLong(ph + 16, 0xffff888000000000L + l.paddr())
                    .putLong(ph + 24, l.paddr()).putLong(ph + 32, l.data().length).putLong(ph + 40, l.memSize());
            b.put((int) off, l.data());
            off += l.data().length;
        }
        return b.array();
    }
}
