package org.jkdump.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KdumpDumpTest {
    @ParameterizedTest
    @ValueSource(strings = {"vmcore.kdump-zlib", "vmcore.kdump-lzo"})
    void readsHeaderSubHeaderAndNotesOfSysrqFixture(String file) {
        try (var dump = DumpFiles.open(Fixtures.sysrq(file))) {
            assertThat(dump).isInstanceOf(KdumpDump.class);
            var kd = (KdumpDump) dump;
            var h = kd.header();
            assertThat(h.signature()).isEqualTo(KdumpHeader.KDUMP);
            assertThat(h.headerVersion()).isEqualTo(6);
            assertThat(h.blockSize()).isEqualTo(4096);
            assertThat(h.utsname().release()).isEqualTo("6.1.0-56-amd64");
            assertThat(h.utsname().machine()).isEqualTo("x86_64");
            assertThat(h.nrCpus()).isEqualTo(2);
            assertThat(kd.maxMapnr()).isEqualTo(0x3ffdaL);
            assertThat(kd.subHeader().dumpLevel()).isEqualTo(31);
            assertThat(kd.subHeader().physBase()).isEqualTo(-111149056L); // NUMBER(phys_base) in VMCOREINFO
            assertThat(kd.isSplit()).isFalse();
            assertThat(kd.incomplete()).isFalse();
            assertThat(h.statusNames()).containsExactly(file.endsWith("zlib") ? "COMPRESSED_ZLIB" : "COMPRESSED_LZO");
            assertThat(dump.vmcoreinfo().orElseThrow().kernelOffset()).isEqualTo(0x35a00000L);
            assertThat(dump.cpuStates()).hasSize(2);
            assertThat(dump.cpuStates().get(1).pid()).isEqualTo(1); // init crashed through sysrq on CPU 1
            assertThat(dump.memory().pageSize()).isEqualTo(4096);
        }
    }

    @Test
    void zlibAndLzoFixturesHoldTheSameFramesWithTheSameBytes() {
        try (var zlib = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-zlib"));
             var lzo = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-lzo"))) {
            long[] frames = zlib.memory().presentFrames().toArray();
            assertThat(frames).hasSize(0x5c86);
            assertThat(lzo.memory().presentFrames().toArray()).isEqualTo(frames);
            byte[] a = new byte[4096], b = new byte[4096];
            for (long pfn : frames) {
                zlib.memory().readPage(pfn, a, 0);
                lzo.memory().readPage(pfn, b, 0);
                assertThat(b).as("pfn 0x%x", pfn).isEqualTo(a);
            }
        }
    }

    @Test
    void excludedFrameNamesAddressAndReason() {
        try (var dump = (KdumpDump) DumpFiles.open(Fixtures.sysrq("vmcore.kdump-lzo"))) {
            var mem = dump.memory();
            long excluded = LongStream.range(0x100, mem.maxPfn()).filter(p -> dump.ramBitmap().get(p) && !mem.isPresent(p)).findFirst().orElseThrow();
            assertThatThrownBy(() -> mem.u64(excluded * 4096 + 8))
                    .isInstanceOf(MissingPageException.class)
                    .hasMessage(Fixtures.sysrq("vmcore.kdump-lzo") + ": physical address 0x" + Long.toHexString(excluded * 4096 + 8)
                            + " is excluded from the dump");
            assertThat(mem.missingReason(0xa0)).isEqualTo(MissingPageException.Reason.NOT_IN_DUMP); // the 0xa0000 hole
            assertThat(mem.missingReason(mem.maxPfn())).isEqualTo(MissingPageException.Reason.NOT_IN_DUMP);
        }
    }

    @Test
    void readsAcrossPageBoundaries() {
        try (var dump = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-zlib"))) {
            var mem = dump.memory();
            long pfn = mem.presentFrames().filter(p -> mem.isPresent(p + 1)).findFirst().orElseThrow();
            byte[] two = new byte[8192];
            mem.readPage(pfn, two, 0);
            mem.readPage(pfn + 1, two, 4096);
            byte[] across = mem.read(pfn * 4096 + 4000, 200);
            assertThat(across).isEqualTo(java.util.Arrays.copyOfRange(two, 4000, 4200));
            assertThat(mem.u64(pfn * 4096 + 4092)).isEqualTo(java.nio.ByteBuffer.wrap(two, 4092, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
        }
    }

    @Test
    void opensOopsModuleFixture() {
        try (var dump = DumpFiles.open(Fixtures.oops("vmcore.kdump-lzo"))) {
            assertThat(dump.format()).isEqualTo(DumpFormat.KDUMP);
            assertThat(dump.vmcoreinfo().orElseThrow().osRelease()).contains("6.1.0-56-amd64");
            assertThat(dump.cpuStates()).hasSize(2);
            var mem = dump.memory();
            assertThat(mem.presentCount()).isGreaterThan(20_000);
            byte[] page = new byte[4096];
            mem.presentFrames().forEach(p -> mem.readPage(p, page, 0)); // every page decodes
        }
    }
}
