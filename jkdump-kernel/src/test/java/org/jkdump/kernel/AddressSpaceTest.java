package org.jkdump.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.jkdump.format.ElfDump;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.x86.PageTableBuilder;
import org.jkdump.kernel.x86.PagingMode;
import org.jkdump.kernel.x86.VirtualLayout.Source;
import org.junit.jupiter.api.Test;

/** A hand-built KASLR kernel in fake physical memory: text mapping, randomised regions, user space. */
class AddressSpaceTest {
    private static final long KERNEL_OFFSET = 0x35a00000L;
    private static final long PHYS_BASE = -0x6a00000L;
    private static final long STEXT = 0xffffffff81000000L + KERNEL_OFFSET;   // physical 0x30000000
    private static final long TOP_PGT = 0xffffffffb8410000L;                 // physical 0x31a10000
    private static final long PAGE_OFFSET = 0xffff8efe80000000L;
    private static final long VMALLOC = 0xffffcf9200000000L;
    private static final long VMEMMAP = 0xfffffb3b40000000L;

    private final FakePhysicalMemory memory = new FakePhysicalMemory();

    private static String vmcoreinfo(long topPgt, boolean l5, String... more) {
        return String.join("\n", List.of("OSRELEASE=6.1.0-test", "PAGESIZE=4096",
                "SYMBOL(init_top_pgt)=" + Long.toHexString(topPgt), "NUMBER(phys_base)=" + PHYS_BASE,
                "NUMBER(pgtable_l5_enabled)=" + (l5 ? 1 : 0), "KERNELOFFSET=" + Long.toHexString(KERNEL_OFFSET),
                "NUMBER(KERNEL_IMAGE_SIZE)=1073741824")) + "\n" + String.join("\n", more) + "\n";
    }

    /** Kernel page tables at init_top_pgt's physical address with text, direct map and one vmalloc page. */
    private PageTableBuilder kaslrKernel(long pageOffset) {
        var b = new PageTableBuilder(memory, PagingMode.FOUR_LEVEL, TOP_PGT - 0xffffffff80000000L + PHYS_BASE);
        for (long i = 0; i < 4; i++) b.map(STEXT + (i << 21), 0x30000000L + (i << 21), 2 << 20);
        b.map(pageOffset, 0, 1 << 30);
        b.map(VMALLOC + 0x5000, 0x7000, 4096);
        return b;
    }

    private AddressSpace space(String vmcoreinfo) {
        return AddressSpace.kernel(memory, VmcoreInfo.parse(vmcoreinfo), List.of());
    }

    @Test
    void translatesKernelTextByThePhysBaseRule() {
        kaslrKernel(PAGE_OFFSET);
        memory.write(0x30000123L, "hello".getBytes());

        var space = space(vmcoreinfo(TOP_PGT, false));

        assertThat(space.translate(STEXT + 0x123)).isEqualTo(0x30000123L);
        assertThat(space.cString(STEXT + 0x123, 16)).isEqualTo("hello");
        assertThat(space.walk(STEXT + 0x123).paddr()).as("the page tables agree with the rule").isEqualTo(0x30000123L);
    }

    @Test
    void findsARandomisedDirectMapFromThePageTables() {
        kaslrKernel(PAGE_OFFSET);

        var space = space(vmcoreinfo(TOP_PGT, false));

        assertThat(space.layout().pageOffset()).hasValueSatisfying(b -> {
            assertThat(b.address()).isEqualTo(PAGE_OFFSET);
            assertThat(b.source()).isEqualTo(Source.PAGE_TABLES);
        });
        assertThat(space.translate(PAGE_OFFSET + 0x1234)).isEqualTo(0x1234);
    }

    @Test
    void prefersTheElfSegmentsVirtualAddresses() {
        kaslrKernel(PAGE_OFFSET);
        var ram = new ElfDump.Segment(0x1000, PAGE_OFFSET + 0x100000, 0x100000, 0x1000, 0x1000);

        var space = AddressSpace.kernel(memory, VmcoreInfo.parse(vmcoreinfo(TOP_PGT, false)), List.of(ram));

        assertThat(space.layout().pageOffset().orElseThrow().source()).isEqualTo(Source.ELF_SEGMENTS);
        assertThat(space.layout().pageOffset().orElseThrow().address()).isEqualTo(PAGE_OFFSET);
    }

    @Test
    void usesTheFixedBasesWhenMemoryKaslrIsOff() {
        kaslrKernel(0xffff888000000000L);

        var layout = space(vmcoreinfo(TOP_PGT, false)).layout();

        assertThat(layout.pageOffset().orElseThrow().address()).isEqualTo(0xffff888000000000L);
        assertThat(layout.vmalloc().orElseThrow()).satisfies(b -> {
            assertThat(b.address()).isEqualTo(0xffffc90000000000L);
            assertThat(b.source()).isEqualTo(Source.DEFAULT);
        });
        assertThat(layout.vmemmap().orElseThrow().address()).isEqualTo(0xffffea0000000000L);
    }

    @Test
    void fiveLevelKernelWalksFromItsPml5() {
        long top = 0xffffffff82410000L;  // nokaslr: physical 0x2410000 with phys_base 0
        var b = new PageTableBuilder(memory, PagingMode.FIVE_LEVEL, 0x2410000L);
        b.map(0xff11000000000000L, 0, 1 << 30);
        b.map(0xffa0000000003000L, 0x8000, 4096);
        var info = "SYMBOL(init_top_pgt)=" + Long.toHexString(top) + "\nNUMBER(phys_base)=0\nNUMBER(pgtable_l5_enabled)=1\n";

        var space = space(info);

        assertThat(space.layout().mode()).isEqualTo(PagingMode.FIVE_LEVEL);
        assertThat(space.layout().pageOffset().orElseThrow().address()).isEqualTo(0xff11000000000000L);
        assertThat(space.layout().vmalloc().orElseThrow().address()).isEqualTo(0xffa0000000000000L);
        assertThat(space.translate(0xffa0000000003010L)).isEqualTo(0x8010);
        assertThat(space.walk(0xffa0000000003010L).entries()).hasSize(5);
    }

    @Test
    void derivesVmemmapFromMemSectionsEncodedMemMap() {
        kaslrKernel(PAGE_OFFSET);
        // SPARSEMEM_EXTREME: SYMBOL(mem_section) is the root-pointer array in the direct map
        memory.writeU64(0x200000, 0x201000 + PAGE_OFFSET);
        memory.writeU64(0x201000 + 32, VMEMMAP | 0x7);  // section 1: PRESENT|HAS_MEM_MAP|ONLINE
        var info = vmcoreinfo(TOP_PGT, false, "SYMBOL(mem_section)=" + Long.toHexString(PAGE_OFFSET + 0x200000),
                "LENGTH(mem_section)=4096", "SIZE(mem_section)=32", "OFFSET(mem_section.section_mem_map)=0");

        var layout = space(info).layout();

        assertThat(layout.vmemmap()).hasValueSatisfying(b -> {
            assertThat(b.address()).isEqualTo(VMEMMAP);
            assertThat(b.source()).isEqualTo(Source.MEM_SECTION);
        });
        assertThat(layout.vmalloc()).as("first mapping after the direct map, 1 GiB aligned")
                .hasValueSatisfying(b -> assertThat(b.address()).isEqualTo(VMALLOC));
    }

    @Test
    void vmallocCloseAboveTheDirectMapIsWalkedNotSubtracted() {
        // memory KASLR sizes the direct map's region by the RAM present (+10 TiB padding):
        // vmalloc may start well inside 2^MAX_PHYSMEM_BITS above page_offset_base
        long vmalloc = PAGE_OFFSET + (12L << 40);
        var b = kaslrKernel(PAGE_OFFSET);
        b.map(vmalloc + 0x1000, 0x6000, 4096);
        memory.write(0x6000, "vm".getBytes());

        var space = space(vmcoreinfo(TOP_PGT, false));

        assertThat(space.layout().inDirectMap(vmalloc + 0x1000)).isFalse();
        assertThat(space.translate(vmalloc + 0x1000)).isEqualTo(0x6000);
        assertThat(space.cString(vmalloc + 0x1000, 4)).isEqualTo("vm");
    }

    @Test
    void readCrossesPagesMappedToScatteredFrames() {
        var b = kaslrKernel(PAGE_OFFSET);
        b.map(VMALLOC + 0x6000, 0x3000, 4096);
        memory.write(0x7ffc, new byte[]{1, 2, 3, 4}).write(0x3000, new byte[]{5, 6, 7, 8});

        var space = space(vmcoreinfo(TOP_PGT, false));

        assertThat(space.read(VMALLOC + 0x5ffc, 8)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void userSpaceWalksTheMmsPgd() {
        kaslrKernel(PAGE_OFFSET);
        var user = new PageTableBuilder(memory, PagingMode.FOUR_LEVEL, 0x40000).map(0x400000, 0x9000, 4096);
        memory.write(0x9010, "ELF".getBytes());

        var space = space(vmcoreinfo(TOP_PGT, false)).forPageTable(PAGE_OFFSET + user.top());

        assertThat(space.cString(0x400010, 8)).isEqualTo("ELF");
        assertThat(space.walk(0x400010).entries().getFirst().address()).isEqualTo(0x40000);
        assertThat(space.translate(STEXT)).as("the kernel half still translates").isEqualTo(0x30000000L);
    }

    @Test
    void namesBothAddressesWhenTheDataPageIsMissing() {
        kaslrKernel(PAGE_OFFSET);

        var space = space(vmcoreinfo(TOP_PGT, false));

        assertThatThrownBy(() -> space.u64(STEXT + (1 << 21) + 8))
                .isInstanceOf(MissingVirtualPageException.class)
                .hasMessage("fake: virtual address 0x%x (physical 0x30200008) is excluded from the dump", STEXT + (1 << 21) + 8);
    }

    @Test
    void failsClearlyWithoutThePageTableSymbol() {
        kaslrKernel(PAGE_OFFSET);

        assertThatThrownBy(() -> space("NUMBER(phys_base)=0\n"))
                .isInstanceOf(JkdumpException.class)
                .hasMessage("fake: VMCOREINFO has no SYMBOL(init_top_pgt) (nor init_level4_pgt, swapper_pg_dir):"
                        + " cannot find the kernel's page tables");
    }

    @Test
    void rejectsAnAbsurdKernelImageSize() {
        assertThatThrownBy(() -> space(vmcoreinfo(TOP_PGT, false).replace("1073741824", "4294967296")))
                .hasMessage("fake: VMCOREINFO NUMBER(KERNEL_IMAGE_SIZE)=4294967296 is not between 1 and 1 GiB");
    }
}
