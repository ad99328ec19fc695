package org.jkdump.kernel.symbols;

import org.jkdump.kernel.KernelMemory;

/**
 * Byte-at-a-time reads of kernel memory, a page at a time underneath: the kallsyms name
 * stream is walked byte by byte over ~1.5 MB, and this keeps that to one
 * {@link KernelMemory#read} per 4 KiB page, never touching a page the walk does not reach.
 */
final class PageReader {
    private static final int PAGE = 4096;

    private final KernelMemory memory;
    private final byte[] page = new byte[PAGE];
    private long pageAddress = 1;  // no page is at an odd address: nothing cached yet

    PageReader(KernelMemory memory) {
        this.memory = memory;
    }

    int u8(long vaddr) {
        long base = vaddr & -PAGE;
        if (base != pageAddress) {
            memory.read(base, page, 0, PAGE);
            pageAddress = base;
        }
        return page[(int) (vaddr - base)] & 0xff;
    }
}
