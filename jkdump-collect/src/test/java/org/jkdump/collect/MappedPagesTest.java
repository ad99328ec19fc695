package org.jkdump.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.ValueLayout;
import org.jkdump.format.Fixtures;
import org.junit.jupiter.api.Test;

/** Pages read in place from a mapped ELF dump are the pages the physical-memory reader gives. */
class MappedPagesTest {
    @Test
    void everyMappedFrameHoldsTheBytesThePhysicalMemoryReaderReads() {
        try (var in = CollectInput.open(Fixtures.sysrqElf())) {
            var pages = MappedPages.of(in).orElseThrow();
            var mem = in.dump().memory();
            var expected = new byte[mem.pageSize()];
            long mapped = 0, present = 0;
            for (long pfn = 0; pfn < mem.maxPfn(); pfn++) {
                long off = pages.offset(pfn);
                if (!mem.isPresent(pfn)) {
                    assertThat(off).as("frame 0x%x is not in the dump", pfn).isEqualTo(-1);
                    continue;
                }
                present++;
                if (off < 0) continue;  // read the ordinary way
                mapped++;
                mem.readPage(pfn, expected, 0);
                assertThat(pages.page(off).toArray(ValueLayout.JAVA_BYTE)).as("frame 0x%x", pfn).isEqualTo(expected);
            }
            assertThat(mapped).as("frames read in place of %d present", present).isGreaterThan(present * 99 / 100);
        }
    }

    @Test
    void framesAskedOutOfOrderFindTheirPagesToo() {
        try (var in = CollectInput.open(Fixtures.sysrqElf())) {
            var pages = MappedPages.of(in).orElseThrow();
            var mem = in.dump().memory();
            var expected = new byte[mem.pageSize()];
            int checked = 0;
            for (long pfn = mem.maxPfn() - 1; pfn >= 0 && checked < 2000; pfn -= 97) {
                long off = pages.offset(pfn);
                if (off < 0) continue;
                mem.readPage(pfn, expected, 0);
                assertThat(pages.page(off).toArray(ValueLayout.JAVA_BYTE)).as("frame 0x%x", pfn).isEqualTo(expected);
                checked++;
            }
            assertThat(checked).isPositive();
        }
    }
}
