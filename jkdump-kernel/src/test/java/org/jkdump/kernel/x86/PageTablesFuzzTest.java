package org.jkdump.kernel.x86;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.jkdump.kernel.FakePhysicalMemory;
import org.jkdump.kernel.TranslationException;

/**
 * Page tables of arbitrary content: a walk maps or fails with a TranslationException, and the
 * scan for the first mapped page ends. Runs its seeds in every build; fuzzes with JAZZER_FUZZ=1.
 */
class PageTablesFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void tables_of_arbitrary_content_walk_or_fail_cleanly(FuzzedDataProvider data) {
        var memory = new FakePhysicalMemory();
        var mode = data.consumeBoolean() ? PagingMode.FIVE_LEVEL : PagingMode.FOUR_LEVEL;
        // a few table pages at small physical addresses, entries pointing anywhere among them
        for (int page = 0; page < 4; page++)
            for (int i = 0; i < 512 && data.remainingBytes() >= 8; i += 1 + data.consumeInt(0, 63))
                memory.writeU64(page * 4096L + i * 8, data.consumeLong() & 0x8000_0000_0000_3fffL | data.consumeInt(0, 3) << 12);
        var tables = new PageTables(memory, mode, 0, 0);
        long vaddr = data.consumeLong();
        try {
            var walk = tables.walk(vaddr);
            if (walk.entries().isEmpty()) throw new AssertionError("a walk without entries");
        } catch (TranslationException expected) {
            // not present, missing table, non-canonical
        }
        tables.firstMapped(vaddr, vaddr + data.consumeLong(0, 1L << 40));
    }
}
