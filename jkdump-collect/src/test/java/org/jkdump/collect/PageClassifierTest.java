package org.jkdump.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.Map;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.Fixtures;
import org.jkdump.format.PfnBitmap;
import org.jkdump.kernel.Kernel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The struct page classes against makedumpfile 1.7.2's own counts for the run that made
 * kdump-sysrq (makedumpfile-logs/). The fixture is a -d 31 dump, but it keeps all of
 * mem_map, so every class but zero pages (found by content) can be recomputed from it.
 */
class PageClassifierTest {

    private static Map<PageClass, Long> classify(int level) {
        try (var dump = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-lzo"))) {
            var mem = dump.memory();
            var ram = RamFrames.of(mem);
            var keep = PfnBitmap.allocate(ram.size());
            keep.set(0, ram.size());
            for (long p = ram.nextClearBit(0); p >= 0 && p < ram.size(); p = ram.nextClearBit(p + 1)) keep.clear(p);
            var classifier = PageClassifier.open(Kernel.open(dump), mem.maxPfn());
            var counts = new ExcludedPages();
            long next = 0;
            // small cycles, so that free blocks and folios cross cycle boundaries
            for (long from = 0; from < ram.size(); from = next)
                next = classifier.classify(new DumpLevel(level), ram, keep, from, Math.min(ram.size(), from + 1000), counts);
            assertThat(classifier.unreadableFrames()).isZero();
            return counts.asMap();
        }
    }

    @ParameterizedTest(name = "-d {0} excludes what makedumpfile excluded ({1})")
    @CsvSource({"2, l-d2-logonly.log", "4, l-d4-logonly.log", "8, l-d8-logonly.log", "16, l-d16-logonly.log",
            "31, l-d31.log"})
    void excludesTheSamePagesPerClassAsMakedumpfile(int level, String log) {
        var expected = new EnumMap<>(MakedumpfileLog.parse(Fixtures.text("kdump-sysrq", "makedumpfile-logs", log)).excluded());
        expected.put(PageClass.ZERO, 0L); // by content: not a struct page class
        assertThat(classify(level)).isEqualTo(expected);
    }

    @Test
    void theFramesLeftAfterStructPageClassesHoldExactlyMakedumpfilesZeroPages() {
        try (var dump = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-lzo"))) {
            var mem = dump.memory();
            var ram = RamFrames.of(mem);
            var keep = PfnBitmap.allocate(ram.size());
            for (long p = ram.nextSetBit(0); p >= 0; p = ram.nextSetBit(p + 1)) keep.set(p);
            var classifier = PageClassifier.open(Kernel.open(dump), mem.maxPfn());
            classifier.classify(new DumpLevel(31), ram, keep, 0, ram.size(), new ExcludedPages());
            // makedumpfile keeps zero pages in a kdump file's bitmap, all sharing one zero page
            long zero = 0, keptButAbsent = 0, presentButExcluded = 0;
            var page = new byte[4096];
            for (long p = ram.nextSetBit(0); p >= 0; p = ram.nextSetBit(p + 1)) {
                if (keep.get(p) && !mem.isPresent(p)) keptButAbsent++;
                if (!keep.get(p) && mem.isPresent(p)) presentButExcluded++;
                if (keep.get(p) && mem.isPresent(p)) {
                    mem.readPage(p, page, 0);
                    if (ZeroPage.test(page, 0, page.length)) zero++;
                }
            }
            var log = MakedumpfileLog.parse(Fixtures.text("kdump-sysrq", "makedumpfile-logs", "l-d31.log"));
            assertThat(zero).isEqualTo(log.excluded().get(PageClass.ZERO));
            assertThat(keptButAbsent).as("frames we keep that makedumpfile left out").isZero();
            assertThat(presentButExcluded).as("frames makedumpfile kept that we would exclude").isZero();
        }
    }
}
