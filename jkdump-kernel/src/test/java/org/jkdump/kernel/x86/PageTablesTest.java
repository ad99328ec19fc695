package org.jkdump.kernel.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jkdump.kernel.FakePhysicalMemory;
import org.jkdump.kernel.TranslationException;
import org.junit.jupiter.api.Test;

class PageTablesTest {
    private static final long TABLES = 0x100000;
    private final FakePhysicalMemory memory = new FakePhysicalMemory();

    private PageTables tables(PageTableBuilder b) {
        return new PageTables(memory, b.mode(), b.top(), 0);
    }

    @Test
    void walksFourLevelsToA4KibPage() {
        var b = new PageTableBuilder(memory, PagingMode.FOUR_LEVEL, TABLES).map(0xffffc90000123000L, 0x7654000, 4096);

        var walk = tables(b).walk(0xffffc90000123abcL);

        assertThat(walk.paddr()).isEqualTo(0x7654abcL);
        assertThat(walk.pageSize()).isEqualTo(4096);
        assertThat(walk.entries()).extracting(PageTableEntry::level)
                .containsExactly(PageTableLevel.PGD, PageTableLevel.PUD, PageTableLevel.PMD, PageTableLevel.PTE);
        assertThat(walk.entries().getFirst().address()).isEqualTo(TABLES + ((0xffffc90000123abcL >>> 39) & 511) * 8);
        assertThat(walk.leaf().value()).isEqualTo(0x7654000L | PageTableBuilder.LEAF_FLAGS);
    }

    @Test
    void walksFiveLevelsThroughTheP4d() {
        long vaddr = 0xff11000012345678L;
        var b = new PageTableBuilder(memory, PagingMode.FIVE_LEVEL, TABLES).map(vaddr & -4096, 0x12345000, 4096);

        var walk = tables(b).walk(vaddr);

        assertThat(walk.paddr()).isEqualTo(0x12345678L);
        assertThat(walk.entries()).extracting(PageTableEntry::level).containsExactly(
                PageTableLevel.PGD, PageTableLevel.P4D, PageTableLevel.PUD, PageTableLevel.PMD, PageTableLevel.PTE);
        // the PML5 index comes from bits 48..56
        assertThat(walk.entries().getFirst().address()).isEqualTo(TABLES + 0x111 * 8);
    }

    @Test
    void fiveLevelModeAcceptsAddressesBeyond48Bits() {
        long vaddr = 0xff00123456789000L;  // canonical with LA57 only
        var b = new PageTableBuilder(memory, PagingMode.FIVE_LEVEL, TABLES).map(vaddr, 0x5000, 4096);

        assertThat(tables(b).walk(vaddr + 8).paddr()).isEqualTo(0x5008);
        assertThatThrownBy(() -> new PageTables(memory, PagingMode.FOUR_LEVEL, TABLES, 0).walk(vaddr))
                .isInstanceOf(TranslationException.class)
                .hasMessage("fake: virtual address 0xff00123456789000: not canonical for 48-bit virtual addresses");
    }

    @Test
    void stopsAtA2MibPageInThePmd() {
        var b = new PageTableBuilder(memory, PagingMode.FOUR_LEVEL, TABLES).map(0xffffffffb8400000L, 0x31a00000, 2 << 20);

        var walk = tables(b).walk(0xffffffffb85fb123L);

        assertThat(walk.paddr()).isEqualTo(0x31bfb123L);
        assertThat(walk.pageSize()).isEqualTo(2 << 20);
        assertThat(walk.leaf().level()).isEqualTo(PageTableLevel.PMD);
        assertThat(walk.leaf().largePage()).isTrue();
        assertThat(walk.leaf().flagNames()).containsExactly("PRESENT", "RW", "ACCESSED", "DIRTY", "PSE", "GLOBAL", "NX");
    }

    @Test
    void stopsAtA1GibPageInThePud() {
        var b = new PageTableBuilder(memory, PagingMode.FIVE_LEVEL, TABLES).map(0xff11000040000000L, 0x80000000L, 1 << 30);

        var walk = tables(b).walk(0xff1100007fffffffL);

        assertThat(walk.paddr()).isEqualTo(0xbfffffffL);
        assertThat(walk.pageSize()).isEqualTo(1 << 30);
        assertThat(walk.entries()).hasSize(3);
    }

    @Test
    void largePageFrameIgnoresThePatBitAndOffsetBits() {
        // bit 12 of a large-page entry is PAT, not part of the address
        var b = new PageTableBuilder(memory, PagingMode.FOUR_LEVEL, TABLES)
                .mapEntry(0xffff888000200000L, 2 << 20, 0x200000L | 0x1000 | 0x80 | 0x1);

        assertThat(tables(b).walk(0xffff888000200010L).paddr()).isEqualTo(0x200010L);
    }

    @Test
    void reportsTheLevelOfANotPresentEntry() {
        var b = new PageTableBuilder(memory, PagingMode.FOUR_LEVEL, TABLES).map(0xffffc90000000000L, 0x5000, 4096);
        long absent = 0xffffc90000001000L;  // same PTE table, next entry is zero
        long pte = b.entryAddress(absent, PageTableLevel.PTE);

        assertThatThrownBy(() -> tables(b).walk(absent))
                .isInstanceOfSatisfying(TranslationException.class, e -> {
                    assertThat(e.reason()).isEqualTo(TranslationException.Reason.NOT_PRESENT);
                    assertThat(e.level()).contains(PageTableLevel.PTE);
                    assertThat(e.address()).isEqualTo(absent);
                })
                .hasMessage("fake: virtual address 0xffffc90000001000: PTE entry at physical 0x%x is not present (0x0)", pte);
    }

    @Test
    void reportsANotPresentUpperLevelEntry() {
        var b = new PageTableBuilder(memory, PagingMode.FOUR_LEVEL, TABLES).map(0xffffc90000000000L, 0x5000, 4096);

        assertThatThrownBy(() -> tables(b).walk(0x00007f0000000000L))
                .isInstanceOfSatisfying(TranslationException.class, e -> assertThat(e.level()).contains(PageTableLevel.PGD))
                .hasMessageContaining("PGD entry at physical 0x%x is not present", TABLES + 254 * 8);
        // a large-page entry with PRESENT cleared (set_memory_np) maps nothing
        b.mapEntry(0xffff888000000000L, 2 << 20, 0x80L | 0x200000L);
        assertThatThrownBy(() -> tables(b).walk(0xffff888000000000L))
                .isInstanceOfSatisfying(TranslationException.class, e -> assertThat(e.level()).contains(PageTableLevel.PMD));
    }

    @Test
    void reportsATablePageMissingFromTheDump() {
        var b = new PageTableBuilder(memory, PagingMode.FOUR_LEVEL, TABLES).map(0xffffc90000000000L, 0x5000, 4096);
        long pmdTable = b.entryAddress(0xffffc90000000000L, PageTableLevel.PMD) & -4096;
        memory.removePage(pmdTable);

        assertThatThrownBy(() -> tables(b).walk(0xffffc90000000000L))
                .isInstanceOfSatisfying(TranslationException.class, e -> {
                    assertThat(e.reason()).isEqualTo(TranslationException.Reason.TABLE_NOT_IN_DUMP);
                    assertThat(e.level()).contains(PageTableLevel.PMD);
                })
                .hasMessage("fake: virtual address 0xffffc90000000000: the PMD table page at physical 0x%x is excluded from the dump", pmdTable);
    }

    @Test
    void protNoneLeafIsBackedByItsInvertedFrame() {
        long frame = 0x3376c000L;
        long protNone = (~frame & 0x000ffffffffff000L) | 0x100 | 0x20 | 0x4;  // PROTNONE|ACCESSED|USER, PRESENT clear
        var b = new PageTableBuilder(memory, PagingMode.FOUR_LEVEL, TABLES).mapEntry(0x400000, 4096, protNone);

        assertThat(tables(b).walk(0x400010).paddr()).isEqualTo(frame + 0x10);
    }

    @Test
    void memoryEncryptionBitIsNoPartOfTheAddress() {
        long sme = 1L << 47;
        var b = new PageTableBuilder(memory, PagingMode.FOUR_LEVEL, TABLES)
                .mapEntry(0xffffc90000000000L, 4096, 0x5000L | sme | 0x63);

        assertThat(new PageTables(memory, PagingMode.FOUR_LEVEL, b.top(), sme).walk(0xffffc90000000000L).paddr()).isEqualTo(0x5000);
    }

    @Test
    void findsTheFirstMappedPageAboveAnAddress() {
        var b = new PageTableBuilder(memory, PagingMode.FOUR_LEVEL, TABLES)
                .map(0xffff8efe80000000L, 0, 1 << 30)
                .map(0xffffcf9200003000L, 0x9000, 4096)
                .map(0xffffcf9200000000L - 4096, 0x8000, 4096);  // below the search start

        var first = tables(b).firstMapped(0xffffcf9200000000L, 0xffffea0000000000L);

        assertThat(first).hasValueSatisfying(w -> {
            assertThat(w.vaddr()).isEqualTo(0xffffcf9200003000L);
            assertThat(w.paddr()).isEqualTo(0x9000);
        });
        assertThat(tables(b).firstMapped(0xffff888000000000L, 0xffffc90000000000L))
                .hasValueSatisfying(w -> assertThat(w.vaddr() - w.paddr()).isEqualTo(0xffff8efe80000000L));
        assertThat(tables(b).firstMapped(0xffffcf9200004000L, 0xffffea0000000000L)).isEmpty();
    }
}
