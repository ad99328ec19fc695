package org.jkdump.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dumps of kdump-sysrq were all made by makedumpfile -d 31 from one /proc/vmcore copy:
 * they must hold the same memory, frame by frame, and agree with makedumpfile's own page counts.
 */
class SysrqDumpsAgreeTest {
    /** makedumpfile -E writes runs of fewer excluded frames than this (PFN_EXCLUDED) as data. */
    private static final int PFN_EXCLUDED = 256;

    /**
     * The kdump-compressed file keeps zero pages in bitmap 2 (all sharing one descriptor) while
     * the ELF excludes them; the ELF keeps excluded runs shorter than 256 frames as data. Every
     * other frame is in both, with the same bytes.
     */
    @Test
    void elfAndKdumpHoldTheSameBytesFrameByFrame() {
        try (var elf = DumpFiles.open(Fixtures.sysrqElf());
             var kdump = (KdumpDump) DumpFiles.open(Fixtures.sysrq("vmcore.kdump-zlib"))) {
            var em = elf.memory();
            var km = kdump.memory();
            byte[] a = new byte[4096], b = new byte[4096], zero = new byte[4096];
            long both = 0, kdumpOnly = 0;
            for (long pfn : km.presentFrames().toArray()) {
                km.readPage(pfn, a, 0);
                if (em.isPresent(pfn)) {
                    em.readPage(pfn, b, 0);
                    assertThat(b).as("pfn 0x%x", pfn).isEqualTo(a);
                    both++;
                } else {
                    assertThat(a).as("pfn 0x%x is only in the kdump file, so it is a zero page", pfn).isEqualTo(zero);
                    assertThat(em.missingReason(pfn)).isEqualTo(MissingPageException.Reason.EXCLUDED);
                    kdumpOnly++;
                }
            }
            // Frames only in the ELF: short excluded runs, never dumped in the kdump file.
            long[] elfOnly = em.presentFrames().filter(p -> !km.isPresent(p)).toArray();
            for (long pfn : elfOnly) {
                assertThat(kdump.ramBitmap().get(pfn)).as("pfn 0x%x is RAM", pfn).isTrue();
                assertThat(km.missingReason(pfn)).isEqualTo(MissingPageException.Reason.EXCLUDED);
            }
            for (int i = 0, run = 1; i < elfOnly.length; i++) {
                run = i > 0 && elfOnly[i] == elfOnly[i - 1] + 1 ? run + 1 : 1;
                assertThat(run).as("run of ELF-only frames ending at 0x%x", elfOnly[i]).isLessThan(PFN_EXCLUDED);
            }
            assertThat(both + kdumpOnly).isEqualTo(km.presentCount());
            assertThat(both + elfOnly.length).isEqualTo(em.presentCount());
            assertThat(kdumpOnly).isPositive();
            assertThat(elfOnly).isNotEmpty();
        }
    }

    /** The four-segment /proc/vmcore, the text segment inside the last RAM one, as makedumpfile printed it. */
    record Load(long start, long end) {
    }

    static long hexCount(String log, String label) {
        var m = Pattern.compile(Pattern.quote(label) + "\\s*:\\s*0x([0-9a-f]+)").matcher(log);
        assertThat(m.find()).as("\"%s\" in the log", label).isTrue();
        return Long.parseLong(m.group(1), 16);
    }

    static List<Load> loads(String log) {
        var m = Pattern.compile("LOAD\\[\\s*\\d+\\]\\s+([0-9a-f]+)\\s+([0-9a-f]+)").matcher(log);
        var loads = new ArrayList<Load>();
        while (m.find()) loads.add(new Load(Long.parseLong(m.group(1), 16), Long.parseLong(m.group(2), 16)));
        return loads;
    }

    /**
     * makedumpfile counts /proc/vmcore's pages per PT_LOAD, so the kernel-text segment's pages
     * count twice in "Original pages" and "Remaining pages"; its excluded counts are per frame,
     * and "Pages filled with zero" are frames of bitmap 2 that share the zero page descriptor.
     */
    @Test
    void kdumpBitmapsAgreeWithMakedumpfilePageCounts() {
        for (var run : List.of(new String[]{"c-d31.log", "vmcore.kdump-zlib"}, new String[]{"l-d31.log", "vmcore.kdump-lzo"})) {
            String log = Fixtures.text("kdump-sysrq", "makedumpfile-logs", run[0]);
            try (var dump = (KdumpDump) DumpFiles.open(Fixtures.sysrq(run[1]))) {
                var loads = loads(log);
                assertThat(loads).hasSize(4);
                long perSegment = loads.stream().mapToLong(l -> l.end() / 4096 - l.start() / 4096).sum();
                long[] distinct = loads.stream().flatMapToLong(l -> java.util.stream.LongStream.range(l.start() / 4096, l.end() / 4096))
                        .distinct().toArray();
                long counted = perSegment - distinct.length;  // frames makedumpfile counted twice
                assertThat(counted).isEqualTo(0x3430);

                assertThat(perSegment).isEqualTo(hexCount(log, "Original pages"));
                assertThat(dump.ramBitmap().cardinality()).isEqualTo(distinct.length);
                assertThat(Arrays.stream(distinct).allMatch(dump.ramBitmap()::get)).isTrue();
                assertThat(dump.maxMapnr()).isEqualTo(hexCount(log, "Total pages"));
                assertThat(dump.maxMapnr() - perSegment).isEqualTo(hexCount(log, "Memory Hole"));

                long zeroPage = dump.header().descriptorOffset() + dump.memory().presentCount() * PageDescriptor.SIZE;
                long zeros = dump.memory().presentFrames().filter(p -> dump.descriptor(p).offset() == zeroPage).count();
                assertThat(zeros).isEqualTo(hexCount(log, "Pages filled with zero"));
                assertThat(dump.memory().presentCount() - zeros + counted).isEqualTo(hexCount(log, "Remaining pages"));
                long excluded = hexCount(log, "Excluded pages");
                assertThat(distinct.length - (dump.memory().presentCount() - zeros)).isEqualTo(excluded);
            }
        }
    }
}
