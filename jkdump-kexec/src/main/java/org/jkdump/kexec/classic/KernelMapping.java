package org.jkdump.kexec.classic;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jkdump.format.JkdumpException;

/**
 * Where the running kernel maps memory, as the core header's virtual addresses need it: the
 * start of the direct map (page_offset_base, randomised with KASLR) and the kernel text
 * mapping (virtual start and size). Read from /proc/kcore's program headers, whose PT_LOADs
 * are exactly these mappings, and /proc/kallsyms' _stext to pick the text one.
 *
 * @param pageOffset the direct map's base: physical address 0 maps here
 * @param textVirtual the text mapping's start, rounded down to 1 MiB as the kernel image is aligned
 * @param textSize    from there to the mapping's end, rounded up to a page
 */
public record KernelMapping(long pageOffset, long textVirtual, long textSize) {
    /** The direct map base of 4-level paging kernels since 4.20 without KASLR (Documentation/arch/x86/x86_64/mm.rst). */
    public static final long DEFAULT_PAGE_OFFSET = 0xffff888000000000L;
    /** __START_KERNEL_map: the kernel text mapping's base. */
    public static final long START_KERNEL_MAP = 0xffffffff80000000L;
    private static final long KERNEL_TEXT_AREA = 1L << 30; // KERNEL_IMAGE_SIZE with KASLR
    private static final long PUD_SIZE = 1L << 30;
    private static final long IMAGE_ALIGN = 1L << 20;
    private static final int PAGE = 4096;
    // Elf64_Ehdr / Elf64_Phdr offsets (include/uapi/linux/elf.h)
    private static final int E_PHOFF = 0x20, E_PHENTSIZE = 0x36, E_PHNUM = 0x38, PHDR_SIZE = 56;
    private static final int P_TYPE = 0, P_VADDR = 0x10, P_MEMSZ = 0x28, PT_LOAD = 1;
    private static final int MAX_PHNUM = 4096;

    /** Reads {@code root}/proc/kcore and {@code root}/proc/kallsyms. */
    public static KernelMapping read(Path root) {
        Path kcore = root.resolve("proc/kcore");
        long stext = stext(root.resolve("proc/kallsyms"));
        long lowest = 0, textStart = 0, textEnd = 0, fallbackStart = 0, fallbackEnd = 0;
        try (var ch = FileChannel.open(kcore)) {
            var eh = readAt(ch, 0, 64, kcore);
            if (eh.getInt(0) != 0x464c457f || eh.get(4) != 2)
                throw new JkdumpException(kcore + ": offset 0: not a 64-bit ELF file");
            long phoff = eh.getLong(E_PHOFF);
            int phentsize = Short.toUnsignedInt(eh.getShort(E_PHENTSIZE)), phnum = Short.toUnsignedInt(eh.getShort(E_PHNUM));
            if (phentsize != PHDR_SIZE || phnum == 0 || phnum > MAX_PHNUM)
                throw new JkdumpException(String.format("%s: offset 0x%x: %d program headers of %d bytes: not a kcore header",
                        kcore, E_PHENTSIZE, phnum, phentsize));
            var ph = readAt(ch, phoff, phnum * PHDR_SIZE, kcore);
            for (int i = 0; i < phnum; i++) {
                int o = i * PHDR_SIZE;
                if (ph.getInt(o + P_TYPE) != PT_LOAD) continue;
                long vaddr = ph.getLong(o + P_VADDR), end = vaddr + ph.getLong(o + P_MEMSZ);
                long pud = vaddr & -PUD_SIZE;
                if (lowest == 0 || Long.compareUnsigned(pud, lowest) < 0) lowest = pud;
                if (stext != 0 && Long.compareUnsigned(vaddr, stext) <= 0 && Long.compareUnsigned(end, stext) > 0) {
                    textStart = vaddr;
                    textEnd = end;
                }
                if (fallbackStart == 0 && Long.compareUnsigned(vaddr, START_KERNEL_MAP) >= 0
                        && Long.compareUnsigned(end, START_KERNEL_MAP + KERNEL_TEXT_AREA) <= 0) {
                    fallbackStart = vaddr;
                    fallbackEnd = end;
                }
            }
        } catch (IOException e) {
            throw new JkdumpException(kcore + ": cannot read (" + e.getClass().getSimpleName() + " " + e.getMessage()
                    + "): the classic load needs it, as root, for the kernel's virtual memory layout", e);
        }
        if (textStart == 0) {
            textStart = fallbackStart;
            textEnd = fallbackEnd;
        }
        if (textStart == 0) throw new JkdumpException(kcore + ": no PT_LOAD maps the kernel text");
        return of(lowest == 0 ? DEFAULT_PAGE_OFFSET : lowest, textStart, textEnd);
    }

    /** The mapping from a direct map base and a text mapping's exact bounds (rounded as described above). */
    public static KernelMapping of(long pageOffset, long textStart, long textEnd) {
        long start = textStart & -IMAGE_ALIGN;
        long size = (textEnd - start + PAGE - 1) & -PAGE;
        return new KernelMapping(pageOffset, start, size);
    }

    /** The direct-map virtual address of a physical address. */
    public long directMap(long physical) {
        return pageOffset + physical;
    }

    private static long stext(Path kallsyms) {
        if (!Files.exists(kallsyms)) return 0;
        try (var lines = Files.lines(kallsyms)) {
            return lines.filter(l -> l.endsWith(" _stext")).findFirst()
                    .map(l -> Long.parseUnsignedLong(l.substring(0, l.indexOf(' ')), 16)).orElse(0L);
        } catch (IOException | NumberFormatException e) {
            return 0; // the fallback by address range still finds the text mapping
        }
    }

    private static ByteBuffer readAt(FileChannel ch, long pos, int len, Path file) throws IOException {
        var b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n <= 0) throw new JkdumpException(String.format("%s: offset 0x%x: ends inside the ELF headers", file, pos + b.position()));
        }
        return b.flip();
    }
}
