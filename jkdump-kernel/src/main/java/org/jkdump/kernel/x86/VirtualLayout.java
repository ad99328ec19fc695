package org.jkdump.kernel.x86;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where the x86-64 kernel put things in virtual memory: the paging mode, the kernel image
 * (KASLR offset, phys_base, the text mapping at __START_KERNEL_map), the top-level page
 * table, and the bases of the direct map, vmalloc and vmemmap regions, each with how it was
 * found. With memory KASLR (CONFIG_RANDOMIZE_MEMORY) those three bases are randomised at
 * boot, so each is either read, derived by a kernel rule, or unknown.
 *
 * @param kernelOffset    KERNELOFFSET: how far KASLR moved the kernel image's virtual addresses
 * @param physBase        phys_base: physical address of the image minus its link-time offset
 * @param kernelImageSize NUMBER(KERNEL_IMAGE_SIZE): the text mapping's size, when the dump says
 * @param topTable        virtual address of the kernel's top-level table (SYMBOL(init_top_pgt))
 * @param maxPhysmemBits  MAX_PHYSMEM_BITS: the largest physical address has this many bits
 * @param directMapSize   how much of the direct map translates by subtraction: the dump's
 *                        physical extent rounded up to 1 GiB, at most 2^MAX_PHYSMEM_BITS. With
 *                        memory KASLR the vmalloc region may start a few TiB above
 *                        page_offset_base (kernel_randomize_memory() sizes the direct map's
 *                        region by the RAM present), so the fast path must stop at RAM's end
 */
public record VirtualLayout(PagingMode mode, long kernelOffset, long physBase, OptionalLong kernelImageSize,
                            long topTable, int maxPhysmemBits, long directMapSize,
                            Optional<Base> pageOffset, Optional<Base> vmalloc, Optional<Base> vmemmap) {
    /** __START_KERNEL_map: the kernel image's mapping, virtual = physical - phys_base + this. */
    public static final long START_KERNEL_MAP = 0xffffffff80000000L;
    /** The text mapping's size when VMCOREINFO does not say: 512 MiB, KERNEL_IMAGE_SIZE without KASLR. */
    public static final long MIN_KERNEL_IMAGE_SIZE = 512L << 20;
    /** The randomised regions start on PUD (1 GiB) boundaries (arch/x86/mm/kaslr.c). */
    public static final long PUD_SIZE = 1L << 30;

    /** How a region base was found. */
    public enum Source {
        /** read from the kernel variable (page_offset_base, vmalloc_base, vmemmap_base) */
        VARIABLE("kernel variable"),
        /** the kernel's fixed base: memory KASLR is off (the direct map sits at its default) */
        DEFAULT("default base, memory KASLR off"),
        /** /proc/vmcore's PT_LOAD p_vaddr of RAM segments, __va(p_paddr) */
        ELF_SEGMENTS("ELF PT_LOAD virtual addresses"),
        /** the first page the top-level table maps above the region's lowest possible base */
        PAGE_TABLES("page tables"),
        /** mem_section's encoded mem_map pointer, which is vmemmap itself */
        MEM_SECTION("mem_section"),
        /** the lowest vmap_area on vmap_area_list, rounded down to 1 GiB */
        VMAP_AREA_LIST("vmap_area_list");

        private final String text;

        Source(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** A region's base address and how it was found. */
    public record Base(long address, Source source) {
        @Override
        public String toString() {
            return String.format("%016x (%s)", address, source.text());
        }
    }

    /** Whether {@code vaddr} lies in the kernel image's text mapping where the linear rule holds. */
    public boolean inTextMapping(long vaddr) {
        long size = kernelImageSize.orElse(MIN_KERNEL_IMAGE_SIZE);
        return Long.compareUnsigned(vaddr, START_KERNEL_MAP) >= 0 && Long.compareUnsigned(vaddr - START_KERNEL_MAP, size) < 0;
    }

    /** __pa_symbol(): the physical address of a kernel-image virtual address. */
    public long textToPhysical(long vaddr) {
        return vaddr - START_KERNEL_MAP + physBase;
    }

    /** Whether {@code vaddr} lies in the direct map (needs a known base). */
    public boolean inDirectMap(long vaddr) {
        return pageOffset.isPresent()
                && Long.compareUnsigned(vaddr, pageOffset.get().address()) >= 0
                && Long.compareUnsigned(vaddr - pageOffset.get().address(), directMapSize) < 0;
    }

    /** A copy with the region bases read from the kernel's variables (once symbols are known). */
    public VirtualLayout withVariables(OptionalLong pageOffsetBase, OptionalLong vmallocBase, OptionalLong vmemmapBase) {
        return new VirtualLayout(mode, kernelOffset, physBase, kernelImageSize, topTable, maxPhysmemBits, directMapSize,
                override(pageOffset, pageOffsetBase), override(vmalloc, vmallocBase), override(vmemmap, vmemmapBase));
    }

    private static Optional<Base> override(Optional<Base> old, OptionalLong value) {
        return value.isPresent() ? Optional.of(new Base(value.getAsLong(), Source.VARIABLE)) : old;
    }
}
