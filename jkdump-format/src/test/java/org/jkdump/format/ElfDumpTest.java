package org.jkdump.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ElfDumpTest {
    @Test
    void opensSysrqFixtureWithNotesAndSegments() {
        try (var dump = DumpFiles.open(Fixtures.sysrqElf())) {
            assertThat(dump).isInstanceOf(ElfDump.class);
            var elf = (ElfDump) dump;
            assertThat(elf.segments()).hasSizeGreaterThan(4); // makedumpfile -E splits RAM around excluded runs
            var vi = dump.vmcoreinfo().orElseThrow();
            assertThat(vi.osRelease()).contains("6.1.0-56-amd64");
            assertThat(vi.kernelOffset()).isEqualTo(0x35a00000L);
            assertThat(vi.number("phys_base")).hasValue(-111149056L);
            assertThat(dump.cpuStates()).hasSize(2);
            // 0x793d pages remain at -d 31 (makedumpfile's count includes the text pages twice)
            assertThat(dump.memory().presentCount()).isLessThanOrEqualTo(0x793d);
            assertThat(elf.incomplete()).isFalse();
        }
    }

    @Test
    void missingPageNamesAddressAndReason() {
        try (var dump = DumpFiles.open(Fixtures.sysrqElf())) {
            var mem = dump.memory();
            long excluded = java.util.stream.LongStream.range(0x100, mem.maxPfn()).filter(p -> !mem.isPresent(p)).findFirst().orElseThrow();
            assertThatThrownBy(() -> mem.u64(excluded * 4096))
                    .isInstanceOf(MissingPageException.class)
                    .hasMessageContaining("physical address 0x" + Long.toHexString(excluded * 4096));
        }
    }

    @Test
    void rejectsNonDumpWithSignatureMessage() {
        var src = MappedSource.of("junk.bin", "hello world, not a dump".getBytes());
        assertThatThrownBy(() -> DumpFiles.open(src))
                .hasMessage("junk.bin: offset 0x0: not a crash dump: no ELF, KDUMP, DISKDUMP or flattened-format signature (found \"hello world, not\")");
    }
}
