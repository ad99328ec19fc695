package org.jkdump.format.write;

/**
 * A range of the crashed machine's RAM as /proc/vmcore's PT_LOADs give it: {@code size} bytes
 * at physical address {@code paddr}, mapped at kernel virtual address {@code vaddr} (the
 * direct map, or the kernel-text mapping). A writer describes these ranges and keeps the
 * frames its plan marks.
 */
public record RamRange(long paddr, long size, long vaddr) {
    public RamRange {
        if (paddr < 0 || size <= 0 || paddr + size < paddr)
            throw new IllegalArgumentException(String.format("RAM range [0x%x, +0x%x) is empty or outside the address space", paddr, size));
    }

    public long end() {
        return paddr + size;
    }
}
