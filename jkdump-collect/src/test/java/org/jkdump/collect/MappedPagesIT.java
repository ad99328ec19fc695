package org.jkdump.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.ValueLayout;
import org.jkdump.format.ElfDump;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * On a raw /proc/vmcore copy, where the kernel-text PT_LOAD lies inside a RAM one and the
 * first RAM segment ends inside a frame, pages read in place are the physical-memory
 * reader's pages, frame by frame.
 */
@Tag("vm")
class MappedPagesIT {
    @Test
    void everyMappedFrameOfAFullDumpHoldsTheBytesThePhysicalMemoryReaderReads() throws Exception {
        try (var in = CollectInput.open(FullDumps.sysrqFullElf())) {
            var elf = (ElfDump) in.dump();
            assertThat(elf.segments()).as("segments that overlap").anySatisfy(a -> assertThat(elf.segments()).anySatisfy(b -> {
                assertThat(b).isNotEqualTo(a);
                assertThat(b.paddr()).isBetween(a.paddr(), a.paddr() + a.memSize() - 1);
            }));
            var pages = MappedPages.of(in).orElseThrow();
            var mem = elf.memory();
            var expected = new byte[mem.pageSize()];
            long mapped = 0, present = 0;
            for (long pfn = 0; pfn < mem.maxPfn(); pfn++) {
                long off = pages.offset(pfn);
                if (!mem.isPresent(pfn)) {
                    assertThat(off).as("frame 0x%x is not in the dump", pfn).isEqualTo(-1);
                    continue;
                }
                present++;
                if (off < 0) continue;
                mapped++;
                mem.readPage(pfn, expected, 0);
                assertThat(pages.page(off).toArray(ValueLayout.JAVA_BYTE)).as("frame 0x%x", pfn).isEqualTo(expected);
            }
            assertThat(mapped).isGreaterThan(present * 99 / 100);
            assertThat(pages.offset(0x9f)).as("the frame the first RAM segment ends inside").isEqualTo(-1);
        }
    }
}
