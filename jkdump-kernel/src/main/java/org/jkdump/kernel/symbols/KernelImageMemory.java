package org.jkdump.kernel.symbols;

import org.jkdump.format.JkdumpException;
import org.jkdump.format.MissingPageException;
import org.jkdump.format.PhysicalMemory;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.KernelMemory;

/**
 * Reads ONLY the kernel image's own mapping (text, rodata, data, bss), without page tables:
 * x86-64 maps the image linearly at {@code __START_KERNEL_map}, so
 * {@code paddr = vaddr - 0xffffffff80000000 + phys_base} (arch/x86/include/asm/page_64.h,
 * {@code __phys_addr_symbol}), with {@code NUMBER(phys_base)} from VMCOREINFO carrying the
 * physical half of KASLR. That is all the kallsyms tables need. Any other address (direct
 * map, vmalloc, modules) is refused; the page-table {@link KernelMemory} of the kernel model
 * replaces this reader everywhere else and may keep it as a fallback for the image.
 */
final class KernelImageMemory implements KernelMemory {
    /** __START_KERNEL_map (arch/x86/include/asm/page_64_types.h). */
    static final long START_KERNEL_MAP = 0xffffffff80000000L;
    /** KERNEL_IMAGE_SIZE with KASLR: the image mapping spans 1 GiB (page_64_types.h). */
    static final long IMAGE_MAPPING_SIZE = 1L << 30;

    private final PhysicalMemory physical;
    private final long physBase;

    KernelImageMemory(PhysicalMemory physical, long physBase) {
        this.physical = physical;
        this.physBase = physBase;
    }

    /** The image mapping of the dump that {@code info} describes; phys_base 0 when VMCOREINFO lacks it. */
    static KernelImageMemory of(PhysicalMemory physical, VmcoreInfo info) {
        return new KernelImageMemory(physical, info.number("phys_base").orElse(0));
    }

    static boolean inImage(long vaddr) {
        return Long.compareUnsigned(vaddr, START_KERNEL_MAP) >= 0
                && Long.compareUnsigned(vaddr - START_KERNEL_MAP, IMAGE_MAPPING_SIZE) < 0;
    }

    @Override
    public void read(long vaddr, byte[] dst, int off, int len) {
        if (len == 0) return;
        if (!inImage(vaddr) || !inImage(vaddr + len - 1))
            throw new JkdumpException("%s: virtual address 0x%016x (%d bytes) is outside the kernel image mapping, the only one this reader translates"
                    .formatted(physical.name(), vaddr, len));
        long paddr = vaddr - START_KERNEL_MAP + physBase;
        try {
            physical.read(paddr, dst, off, len);
        } catch (MissingPageException e) {
            throw new JkdumpException("%s: kernel virtual address 0x%016x (physical 0x%x) is %s"
                    .formatted(physical.name(), vaddr, e.address(), e.reason().text()), e);
        }
    }
}
