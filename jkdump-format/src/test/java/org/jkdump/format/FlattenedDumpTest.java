package org.jkdump.format;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FlattenedDumpTest {
    @Test
    void readsTheSysrqFlattenedStreamInPlace() {
        try (var flat = DumpFiles.open(Fixtures.sysrq("vmcore.flat"))) {
            assertThat(flat).isInstanceOf(FlattenedDump.class);
            assertThat(flat.format()).isEqualTo(DumpFormat.FLATTENED);
            var inner = ((FlattenedDump) flat).inner();
            assertThat(inner).isInstanceOf(KdumpDump.class);
            var kd = (KdumpDump) inner;
            assertThat(kd.header().headerVersion()).isEqualTo(6);
            assertThat(kd.subHeader().dumpLevel()).isEqualTo(31);
            assertThat(kd.header().statusNames()).containsExactly("COMPRESSED_ZLIB");
            assertThat(flat.cpuStates()).hasSize(2);
            assertThat(flat.vmcoreinfo().orElseThrow().osRelease()).contains("6.1.0-56-amd64");
            assertThat(((FlattenedDump) flat).records()).isGreaterThan(3);
        }
    }

    /** -F writes the same file as -c, through records: the pages must be the same, frame for frame. */
    @Test
    void flattenedStreamHoldsTheSamePagesAsKdumpZlib() {
        try (var flat = DumpFiles.open(Fixtures.sysrq("vmcore.flat"));
             var zlib = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-zlib"))) {
            long[] frames = zlib.memory().presentFrames().toArray();
            assertThat(flat.memory().presentFrames().toArray()).isEqualTo(frames);
            byte[] a = new byte[4096], b = new byte[4096];
            for (long pfn : frames) {
                zlib.memory().readPage(pfn, a, 0);
                flat.memory().readPage(pfn, b, 0);
                assertThat(b).as("pfn 0x%x", pfn).isEqualTo(a);
            }
        }
    }

    static byte[] stream(Object... records) {
        var out = new java.io.ByteArrayOutputStream();
        var header = new byte[FlattenedSource.HEADER_SIZE];
        System.arraycopy("makedumpfile".getBytes(), 0, header, 0, 12);
        header[23] = 1; // type, big-endian
        header[31] = 1; // version
        out.writeBytes(header);
        for (int i = 0; i < records.length; i += 2) {
            long off = (Long) records[i];
            byte[] data = (byte[]) records[i + 1];
            out.writeBytes(java.nio.ByteBuffer.allocate(16).putLong(off).putLong(data.length).array());
            out.writeBytes(data);
        }
        out.writeBytes(java.nio.ByteBuffer.allocate(16).putLong(-1).putLong(-1).array());
        return out.toByteArray();
    }

    @Test
    void laterRecordsOverrideEarlierOnesAndGapsReadAsZero() {
        var bytes = stream(0L, "aaaaaaaaaa".getBytes(), 5L, "bbb".getBytes(), 20L, "ccccc".getBytes(), 8L, "dddd".getBytes(),
                22L, "e".getBytes());
        try (var src = FlattenedSource.open(MappedSource.of("t.flat", bytes))) {
            assertThat(src.size()).isEqualTo(25);
            assertThat(src.records()).isEqualTo(5);
            assertThat(new String(src.bytes(0, 25)).replace('\0', '.')).isEqualTo("aaaaabbbdddd........ccecc");
            assertThat(new String(src.bytes(9, 3)).replace('\0', '.')).isEqualTo("ddd");
            assertThat(new String(src.bytes(12, 9)).replace('\0', '.')).isEqualTo("........c");
        }
    }
}
