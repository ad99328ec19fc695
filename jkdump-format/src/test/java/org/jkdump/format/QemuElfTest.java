package org.jkdump.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * QEMU's dump-guest-memory ELF layout: section headers right after the ELF header, program
 * headers after them, and with many segments the program header count in section header 0
 * (e_phnum = PN_XNUM). makedumpfile 1.7.2 rejects such files; we must read them.
 */
class QemuElfTest {
    static byte[] page(int fill) {
        var p = new byte[4096];
        Arrays.fill(p, (byte) fill);
        return p;
    }

    static byte[] prstatus(int pid, long rip, long rsp) {
        var regs = new long[X86Registers.COUNT];
        regs[16] = rip;
        regs[19] = rsp;
        var bb = ByteBuffer.allocate(X86Registers.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long r : regs) bb.putLong(r);
        var state = new CpuState(0, pid, 0, X86Registers.decode(bb.array(), 0));
        return state.toPrStatus();
    }

    static ElfImage qemuImage(boolean pnXnum) {
        var img = new ElfImage();
        img.sectionsFirst = true;
        img.pnXnum = pnXnum;
        img.note("CORE", ElfNote.NT_PRSTATUS, prstatus(1, 0xffffffff81000000L, 0xffffc90000003f00L))
                .note("QEMU", 0, new byte[0x1b8])
                .note("VMCOREINFO", 0, "OSRELEASE=6.1.0-qemu\nPAGESIZE=4096\n".getBytes());
        byte[] low = new byte[8192];
        System.arraycopy(page(0x11), 0, low, 0, 4096);
        System.arraycopy(page(0x22), 0, low, 4096, 4096);
        img.load(0, low, 8192).load(0x100000, page(0x33), 4096);
        return img;
    }

    @ParameterizedTest(name = "PN_XNUM {0}")
    @CsvSource({"false", "true"})
    void readsSectionHeadersBeforeProgramHeaders(boolean pnXnum) {
        byte[] image = qemuImage(pnXnum).build();
        assertThat(ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).getLong(40)).as("e_shoff").isEqualTo(64);
        assertThat(ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).getLong(32)).as("e_phoff").isGreaterThan(64);
        try (var dump = DumpFiles.open(MappedSource.of("qemu.elf", image))) {
            assertThat(dump).isInstanceOf(ElfDump.class);
            assertThat(((ElfDump) dump).segments()).hasSize(2);
            var mem = dump.memory();
            assertThat(mem.presentFrames().toArray()).containsExactly(0, 1, 0x100);
            assertThat(mem.u8(0)).isEqualTo(0x11);
            assertThat(mem.u8(4096 + 17)).isEqualTo(0x22);
            assertThat(mem.u64(0x100ff8)).isEqualTo(0x3333333333333333L);
            assertThat(dump.cpuStates()).singleElement().satisfies(c -> {
                assertThat(c.pid()).isEqualTo(1);
                assertThat(c.registers().rip()).isEqualTo(0xffffffff81000000L);
            });
            assertThat(dump.vmcoreinfo().orElseThrow().osRelease()).contains("6.1.0-qemu");
            var d = dump.describe();
            assertThat(d.producer()).isEqualTo("QEMU dump-guest-memory");
            assertThat(d.ranges()).containsExactly(new MemoryRange(0, 0x2000, 2, 0), new MemoryRange(0x100000, 0x101000, 1, 0));
        }
    }

    /** More than 65534 program headers only fit with PN_XNUM. */
    @Test
    void readsMoreProgramHeadersThanE_phnumHolds() {
        var img = new ElfImage();
        img.sectionsFirst = true;
        img.pnXnum = true;
        img.note("VMCOREINFO", 0, "PAGESIZE=512\n".getBytes());
        byte[] one = new byte[512];
        int loads = 70_000;
        for (int i = 0; i < loads; i++) {
            one[0] = (byte) i;
            img.load(2L * i * 512, one.clone(), 512); // every other 512-byte page
        }
        try (var dump = DumpFiles.open(MappedSource.of("many.elf", img.build()))) {
            var mem = dump.memory();
            assertThat(mem.pageSize()).isEqualTo(512);
            assertThat(((ElfDump) dump).segments()).hasSize(loads);
            assertThat(mem.presentCount()).isEqualTo(loads);
            assertThat(mem.u8(2L * 69_999 * 512)).isEqualTo(69_999 & 0xff);
            assertThat(mem.isPresent(1)).isFalse();
            assertThat(mem.missingReason(1)).isEqualTo(MissingPageException.Reason.NOT_IN_DUMP);
        }
    }
}
