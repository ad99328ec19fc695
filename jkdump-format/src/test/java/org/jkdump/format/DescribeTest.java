package org.jkdump.format;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What {@code jkdump info} prints about the dump file itself, for each fixture format. */
class DescribeTest {
    /** RAM of the 1 GiB guest as /proc/vmcore listed it (makedumpfile-logs), text segment merged in. */
    static final long[][] RAM = {{0x1000, 0x9f000}, {0x100000, 0x20000000}, {0x30000000, 0x3ffda000}};

    static long present(DumpDescription d) {
        return d.ranges().stream().mapToLong(MemoryRange::presentPages).sum();
    }

    static long excluded(DumpDescription d) {
        return d.ranges().stream().mapToLong(MemoryRange::excludedPages).sum();
    }

    @Test
    void describesKdumpZlibFixture() {
        try (var dump = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-zlib"))) {
            var d = dump.describe();
            assertThat(d.format()).isEqualTo(DumpFormat.KDUMP);
            assertThat(d.producer()).isEqualTo("makedumpfile");
            assertThat(d.headerVersion()).hasValue(6);
            assertThat(d.statusFlags()).containsExactly("COMPRESSED_ZLIB");
            assertThat(d.incomplete()).isFalse();
            assertThat(d.compression()).isEqualTo("zlib");
            assertThat(d.dumpLevel()).hasValue(31);
            assertThat(d.fileSize()).isEqualTo(18_883_726L);
            assertThat(d.ranges()).extracting(r -> new long[]{r.start(), r.end()}).containsExactly(RAM);
            assertThat(present(d)).isEqualTo(dump.memory().presentCount()).isEqualTo(0x5c86);
            assertThat(present(d) + excluded(d)).isEqualTo(0x2ff78); // RAM frames, each once
        }
    }

    @Test
    void describesFlattenedFixtureAsTheKdumpFileItHolds() {
        try (var flat = DumpFiles.open(Fixtures.sysrq("vmcore.flat"));
             var zlib = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-zlib"))) {
            var d = flat.describe();
            assertThat(d.format()).isEqualTo(DumpFormat.FLATTENED);
            assertThat(d.producer()).isEqualTo("makedumpfile -F");
            assertThat(d.fileSize()).isEqualTo(18_889_298L);
            assertThat(d.statusFlags()).first().isEqualTo("COMPRESSED_ZLIB");
            assertThat(d.statusFlags()).last().asString().startsWith("FLATTENED(");
            assertThat(d.ranges()).isEqualTo(zlib.describe().ranges());
            assertThat(d.dumpLevel()).hasValue(31);
        }
    }

    @Test
    void describesElfFixtureWithEachFrameCountedOnce() {
        try (var dump = DumpFiles.open(Fixtures.sysrqElf())) {
            var d = dump.describe();
            assertThat(d.format()).isEqualTo(DumpFormat.ELF);
            assertThat(d.producer()).isEqualTo("makedumpfile -E (or a compatible writer)");
            assertThat(d.headerVersion()).isEmpty();
            assertThat(d.statusFlags()).isEmpty();
            assertThat(d.compression()).isEqualTo("none");
            assertThat(d.fileSize()).isEqualTo(120_227_364L);
            // The ELF describes the partial page at 0x9f000 (RAM ends at 0x9fc00) as excluded.
            assertThat(d.ranges()).extracting(r -> new long[]{r.start(), r.end()})
                    .containsExactly(new long[]{0x1000, 0xa0000}, RAM[1], RAM[2]);
            assertThat(present(d)).isEqualTo(dump.memory().presentCount());
            assertThat(present(d) + excluded(d)).isEqualTo(0x2ff78 + 1);
        }
    }
}
