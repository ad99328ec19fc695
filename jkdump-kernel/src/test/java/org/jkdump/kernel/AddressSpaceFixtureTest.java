package org.jkdump.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.jkdump.format.DumpFile;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.Fixtures;
import org.jkdump.format.MissingPageException;
import org.jkdump.kernel.x86.PageTableEntry;
import org.jkdump.kernel.x86.PagingMode;
import org.jkdump.kernel.x86.VirtualLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Address translation on the kdump-sysrq fixture, held against crash's vtop and the kernel's own variables. */
class AddressSpaceFixtureTest {
    private static DumpFile dump;
    private static Kernel kernel;
    private static String crashTxt;

    @BeforeAll
    static void open() {
        dump = DumpFiles.open(Fixtures.sysrqElf());
        kernel = Kernel.open(dump);
        crashTxt = Fixtures.text("kdump-sysrq", "crash.txt");
    }

    @AfterAll
    static void close() {
        dump.close();
    }

    /** A System.map symbol moved by KASLR, as the running kernel saw it. */
    private static long symbol(String name) {
        try (var lines = Files.lines(Fixtures.file("linux-6.1.0-56-amd64", "System.map"), StandardCharsets.ISO_8859_1)) {
            var line = lines.filter(l -> l.endsWith(" " + name)).findFirst().orElseThrow();
            return Long.parseUnsignedLong(line.substring(0, 16), 16) + kernel.vmcoreinfo().kernelOffset();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aLargeReadSizedByCorruptDataFailsBeforeItsBufferIsAllocated() {
        // sizes read from a dump (a printk ring's count_bits, __stop_BTF - __start_BTF) decide
        // how much to read: a hostile one must fail with a message, not an OutOfMemoryError
        long start = symbol("init_uts_ns");
        int quarter = (int) Math.min(Integer.MAX_VALUE - 8, Runtime.getRuntime().maxMemory() / 4 + 1);
        assertThatThrownBy(() -> kernel.memory().read(start, quarter)).isInstanceOf(KernelDataException.class)
                .hasMessageStartingWith(dump.name() + ": reading " + quarter + " bytes at 0x").hasMessageContaining("quarter of the");
        // below that bound the pages are looked at first: the read stops at the first one missing
        long directMap = kernel.memory().layout().pageOffset().orElseThrow().address();
        assertThatThrownBy(() -> kernel.memory().read(directMap, 200 << 20)).isInstanceOf(MissingVirtualPageException.class)
                .hasMessageContaining(dump.name());
    }

    @Test
    void readsTheReleaseFromInitUtsNs() {
        var info = kernel.vmcoreinfo();
        long uts = info.symbol("init_uts_ns").orElseThrow() + info.offset("uts_namespace", "name").orElseThrow();
        // struct new_utsname (uapi): sysname[65], nodename[65], release[65]
        assertThat(kernel.memory().cString(uts, 65)).isEqualTo("Linux");
        assertThat(kernel.memory().cString(uts + 2 * 65, 65)).isEqualTo(info.osRelease().orElseThrow());
    }

    @Test
    void layoutAgreesWithTheKernelsOwnVariables() {
        var layout = kernel.memory().layout();
        var mem = kernel.memory();

        assertThat(layout.mode()).isEqualTo(PagingMode.FOUR_LEVEL);
        assertThat(layout.pageOffset()).hasValueSatisfying(b -> assertThat(b.address()).isEqualTo(mem.u64(symbol("page_offset_base"))));
        assertThat(layout.vmalloc()).hasValueSatisfying(b -> assertThat(b.address()).isEqualTo(mem.u64(symbol("vmalloc_base"))));
        assertThat(layout.vmemmap()).hasValueSatisfying(b -> assertThat(b.address()).isEqualTo(mem.u64(symbol("vmemmap_base"))));
        assertThat(layout.pageOffset().orElseThrow().source()).isEqualTo(VirtualLayout.Source.ELF_SEGMENTS);
        assertThat(layout.vmemmap().orElseThrow().source()).isEqualTo(VirtualLayout.Source.MEM_SECTION);
        assertThat(layout.vmalloc().orElseThrow().source()).isEqualTo(VirtualLayout.Source.VMAP_AREA_LIST);
    }

    @Test
    void findsTheDirectMapFromThePageTablesAlone() {
        var noSegments = AddressSpace.kernel(dump.memory(), kernel.vmcoreinfo(), List.of());

        assertThat(noSegments.layout().pageOffset()).hasValueSatisfying(b -> {
            assertThat(b.source()).isEqualTo(VirtualLayout.Source.PAGE_TABLES);
            assertThat(b.address()).isEqualTo(kernel.memory().u64(symbol("page_offset_base")));
        });
    }

    @Test
    void findsVmallocFromThePageTablesWhenVmapAreaListIsGone() {
        // Linux 6.9 dropped vmap_area_list from VMCOREINFO
        var entries = new java.util.LinkedHashMap<>(kernel.vmcoreinfo().entries());
        entries.remove("SYMBOL(vmap_area_list)");
        var info = new org.jkdump.format.VmcoreInfo(kernel.vmcoreinfo().text(), entries);

        var layout = AddressSpace.kernel(dump.memory(), info, List.of()).layout();

        assertThat(layout.vmalloc()).hasValueSatisfying(b -> {
            assertThat(b.source()).isEqualTo(VirtualLayout.Source.PAGE_TABLES);
            assertThat(b.address()).isEqualTo(kernel.memory().u64(symbol("vmalloc_base")));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmcore.kdump-zlib", "vmcore.kdump-lzo", "vmcore.flat"})
    void everyFormatGivesTheSameLayoutAndWalks(String file) {
        try (var other = DumpFiles.open(Fixtures.sysrq(file))) {
            var space = Kernel.open(other).memory();
            var ours = kernel.memory().layout();
            // no PT_LOAD virtual addresses outside ELF: the direct map is found in the page tables
            assertThat(space.layout().pageOffset().orElseThrow().source()).isEqualTo(VirtualLayout.Source.PAGE_TABLES);
            assertThat(space.layout().pageOffset().orElseThrow().address()).isEqualTo(ours.pageOffset().orElseThrow().address());
            assertThat(space.layout().vmalloc()).isEqualTo(ours.vmalloc());
            assertThat(space.layout().vmemmap()).isEqualTo(ours.vmemmap());
            assertWalkMatchesCrash(space, CrashVtop.parse(crashTxt, "vtop ffff8efe81203080"));
        }
    }

    @Test
    void vmemmapAgreesWithCrashsPageColumn() {
        var line = CrashVtop.lineAfter(crashTxt, "vtop ffffffffb85fb000", "      PAGE       PHYSICAL").trim().split("\\s+");
        long page = Long.parseUnsignedLong(line[0], 16), phys = Long.parseUnsignedLong(line[1], 16);
        long sizeofPage = kernel.vmcoreinfo().size("page").orElseThrow();

        assertThat(kernel.memory().layout().vmemmap().orElseThrow().address()).isEqualTo(page - (phys >>> 12) * sizeofPage);
    }

    @Test
    void kernelTextWalkMatchesCrashVtop() {
        assertWalkMatchesCrash(kernel.memory(), CrashVtop.parse(crashTxt, "vtop ffffffffb85fb000"));
        assertThat(kernel.memory().walk(0xffffffffb85fb000L).pageSize()).isEqualTo(2 << 20);
    }

    @Test
    void directMapWalkOfThePanicTaskMatchesCrashVtop() {
        var vtop = CrashVtop.parse(crashTxt, "vtop ffff8efe81203080");
        assertWalkMatchesCrash(kernel.memory(), vtop);
        assertThat(kernel.memory().translate(vtop.vaddr())).isEqualTo(vtop.paddr());
    }

    @Test
    void userWalkThroughTheMmPgdMatchesCrashVtop() {
        var full = Fixtures.text("kdump-sysrq", "crash.full-elf.txt");
        var vtop = CrashVtop.parse(full, "vtop -c 143 0x400000");
        // crash's `vm 143` shows the mm's pgd
        long pgd = Long.parseUnsignedLong(CrashVtop.lineAfter(crashTxt, "vm 143", "       MM               PGD").trim().split("\\s+")[1], 16);
        var user = kernel.memory().forPageTable(pgd);

        var walk = user.walk(vtop.vaddr());

        assertThat(walk.paddr()).isEqualTo(vtop.paddr());
        assertThat(walk.entries()).extracting(e -> e.level().name(), PageTableEntry::address, PageTableEntry::value)
                .containsExactlyElementsOf(vtop.entries().stream()
                        .map(e -> org.assertj.core.groups.Tuple.tuple(e.level(), e.address(), e.value())).toList());
        // -d 31 dropped user data: the page is translated, then reported missing
        assertThatThrownBy(() -> user.u64(vtop.vaddr()))
                .isInstanceOfSatisfying(MissingVirtualPageException.class, e -> assertThat(e.reason()).isEqualTo(MissingPageException.Reason.EXCLUDED))
                .hasMessage("%s: virtual address 0x400000 (physical 0x%x) is excluded from the dump", dump.name(), vtop.paddr());
    }

    private static void assertWalkMatchesCrash(AddressSpace space, CrashVtop vtop) {
        var walk = space.walk(vtop.vaddr());
        assertThat(walk.paddr()).as("physical address of %x", vtop.vaddr()).isEqualTo(vtop.paddr());
        assertThat(walk.entries()).hasSameSizeAs(vtop.entries());
        for (int i = 0; i < walk.entries().size(); i++) {
            var ours = walk.entries().get(i);
            var theirs = vtop.entries().get(i);
            assertThat(ours.level().name()).isEqualTo(theirs.level());
            assertThat(ours.value()).as("%s value", theirs.level()).isEqualTo(theirs.value());
            if (theirs.address() >= 0) assertThat(ours.address()).as("%s address", theirs.level()).isEqualTo(theirs.address());
        }
    }
}
