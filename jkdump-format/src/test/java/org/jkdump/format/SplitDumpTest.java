package org.jkdump.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Split sets cut from the real kdump-zlib fixture: each part is the fixture with split=1, its
 * pfn range in the sub-header and only its range's descriptors (which keep pointing at the
 * unchanged page data), as makedumpfile --split lays a part out.
 */
class SplitDumpTest {
    static final long[] CUTS = {0, 0x10000, 0x30000, 0x3ffda};

    @TempDir
    static Path dir;
    static List<Path> parts;

    @BeforeAll
    static void cutFixture() throws IOException {
        parts = new ArrayList<>();
        var original = Files.readAllBytes(Fixtures.sysrq("vmcore.kdump-zlib"));
        try (var dump = (KdumpDump) DumpFiles.open(Fixtures.sysrq("vmcore.kdump-zlib"))) {
            var bitmap = dump.dumpableBitmap();
            long descOff = dump.header().descriptorOffset();
            for (int i = 0; i + 1 < CUTS.length; i++) {
                byte[] part = original.clone();
                long from = bitmap.count(0, CUTS[i]), to = bitmap.count(0, CUTS[i + 1]);
                System.arraycopy(original, (int) (descOff + from * 24), part, (int) descOff, (int) ((to - from) * 24));
                var sub = ByteBuffer.wrap(part, 4096, 104).slice().order(ByteOrder.LITTLE_ENDIAN);
                sub.putInt(12, 1).putLong(16, CUTS[i]).putLong(24, CUTS[i + 1]).putLong(80, CUTS[i]).putLong(88, CUTS[i + 1]);
                var p = dir.resolve("vmcore-part" + i);
                Files.write(p, part);
                parts.add(p);
            }
        }
    }

    @Test
    void joinsPartsGivenInAnyOrderIntoTheWholeDump() {
        try (var split = DumpFiles.open(parts.get(2), parts.get(0), parts.get(1));
             var whole = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-zlib"))) {
            assertThat(split).isInstanceOf(SplitDump.class);
            assertThat(split.format()).isEqualTo(DumpFormat.SPLIT);
            assertThat(((SplitDump) split).parts()).extracting(KdumpDump::startPfn).containsExactly(0L, 0x10000L, 0x30000L);
            long[] frames = whole.memory().presentFrames().toArray();
            assertThat(split.memory().presentFrames().toArray()).isEqualTo(frames);
            assertThat(split.memory().presentCount()).isEqualTo(frames.length);
            byte[] a = new byte[4096], b = new byte[4096];
            for (long pfn : frames) {
                whole.memory().readPage(pfn, a, 0);
                split.memory().readPage(pfn, b, 0);
                assertThat(b).as("pfn 0x%x", pfn).isEqualTo(a);
            }
            // a read straddling the cut between part 0 and part 1
            if (whole.memory().isPresent(0xffff) && whole.memory().isPresent(0x10000))
                assertThat(split.memory().read(0x10000000L - 16, 32)).isEqualTo(whole.memory().read(0x10000000L - 16, 32));
            assertThat(split.cpuStates()).hasSize(2);
            var d = split.describe();
            assertThat(d.ranges()).isEqualTo(whole.describe().ranges());
            assertThat(d.statusFlags()).contains("COMPRESSED_ZLIB").anyMatch(f -> f.startsWith("PART("));
        }
    }

    @Test
    void onePartAloneHoldsOnlyItsRange() {
        try (var part = (KdumpDump) DumpFiles.open(parts.get(1))) {
            assertThat(part.isSplit()).isTrue();
            assertThat(part.startPfn()).isEqualTo(0x10000);
            assertThat(part.endPfn()).isEqualTo(0x30000);
            assertThat(part.memory().presentFrames().allMatch(p -> p >= 0x10000 && p < 0x30000)).isTrue();
            long outside = part.dumpableBitmap().nextSetBit(0);
            assertThat(part.memory().isPresent(outside)).isFalse();
            assertThat(part.memory().missingReason(outside)).isEqualTo(MissingPageException.Reason.NOT_IN_DUMP);
        }
    }

    @Test
    void rejectsASetWithAMissingPart() {
        assertThatThrownBy(() -> DumpFiles.open(parts.get(0), parts.get(2)))
                .isInstanceOf(JkdumpException.class)
                .hasMessage("split dump: no part holds frames 0x10000-0x30000 (between " + parts.get(0) + " and " + parts.get(2)
                        + "); a part is missing");
        assertThatThrownBy(() -> DumpFiles.open(parts.get(0), parts.get(1)))
                .hasMessage("split dump: no part holds frames 0x30000-0x3ffda (after " + parts.get(1) + "); a part is missing");
    }

    @Test
    void rejectsTheSamePartTwice() {
        assertThatThrownBy(() -> DumpFiles.open(parts.get(0), parts.get(1), parts.get(0)))
                .hasMessage(parts.get(0) + " and " + parts.get(0) + " are the same file: give each part of a split dump once");
    }

    @Test
    void rejectsAFileThatIsNotASplitPart() {
        var whole = Fixtures.sysrq("vmcore.kdump-zlib");
        assertThatThrownBy(() -> DumpFiles.open(parts.get(0), whole))
                .hasMessage(whole + ": not part of a split dump (the kdump sub-header says split=0); "
                        + "give several files only for a makedumpfile --split set");
    }

    @Test
    void rejectsPartsOfDifferentDumps() throws IOException {
        var other = Files.readAllBytes(parts.get(1));
        other[408] ^= 1; // the crash timestamp
        var p = dir.resolve("other-part1");
        Files.write(p, other);
        assertThatThrownBy(() -> DumpFiles.open(parts.get(0), p, parts.get(2)))
                .hasMessageStartingWith(parts.get(0) + " and " + p + " are not parts of the same dump: their headers differ in crash timestamp");
    }

    @Test
    void rejectsOverlappingParts() throws IOException {
        var bytes = Files.readAllBytes(parts.get(1));
        var sub = ByteBuffer.wrap(bytes, 4096, 104).slice().order(ByteOrder.LITTLE_ENDIAN);
        sub.putLong(16, 0x8000).putLong(80, 0x8000); // start inside part 0
        var p = dir.resolve("overlap-part1");
        Files.write(p, bytes);
        assertThatThrownBy(() -> DumpFiles.open(parts.get(0), p, parts.get(2)))
                .hasMessage("split dump: " + parts.get(0) + " and " + p + " both hold frames 0x8000-0x10000");
    }
}
