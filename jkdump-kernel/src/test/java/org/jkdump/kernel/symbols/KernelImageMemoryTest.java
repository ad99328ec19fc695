package org.jkdump.kernel.symbols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.Fixtures;
import org.jkdump.format.JkdumpException;
import org.junit.jupiter.api.Test;

class KernelImageMemoryTest {
    @Test
    void readsTheBannerThroughTheImageMappingAndPhysBase() {
        try (var dump = DumpFiles.open(Fixtures.sysrqElf())) {
            var info = dump.vmcoreinfo().orElseThrow();
            var memory = KernelImageMemory.of(dump.memory(), info);
            // linux_banner: System.map ffffffff82161900 + KERNELOFFSET 0x35a00000
            assertThat(memory.cString(0xffffffffb7b61900L, 200)).startsWith("Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org)");
            // init_uts_ns.name.sysname, where VMCOREINFO puts init_uts_ns, + OFFSET(uts_namespace.name)
            long uts = info.symbol("init_uts_ns").getAsLong() + info.offset("uts_namespace", "name").getAsLong();
            assertThat(memory.cString(uts, 65)).isEqualTo("Linux");
        }
    }

    @Test
    void refusesAddressesOutsideTheImageMapping() {
        try (var dump = DumpFiles.open(Fixtures.sysrqElf())) {
            var memory = KernelImageMemory.of(dump.memory(), dump.vmcoreinfo().orElseThrow());
            assertThatThrownBy(() -> memory.u64(0xffff8efe81203080L))
                    .isInstanceOf(JkdumpException.class)
                    .hasMessage(Fixtures.sysrqElf() + ": virtual address 0xffff8efe81203080 (8 bytes) is outside the kernel image mapping, the only one this reader translates");
            assertThatThrownBy(() -> memory.read(0xffffffffbffffffcL, 8)).hasMessageContaining("outside the kernel image mapping");
        }
    }

    @Test
    void namesVirtualAndPhysicalAddressOfAPageTheDumpLacks() {
        try (var dump = DumpFiles.open(Fixtures.sysrqElf())) {
            var info = dump.vmcoreinfo().orElseThrow();
            var memory = KernelImageMemory.of(dump.memory(), info);
            long physBase = info.number("phys_base").getAsLong();
            long vaddr = LongStream.iterate(KernelImageMemory.START_KERNEL_MAP + 0x3ff00000L, v -> v - 0x100000L)
                    .filter(v -> !dump.memory().isPresent((v - KernelImageMemory.START_KERNEL_MAP + physBase) / 4096))
                    .findFirst().orElseThrow();
            long paddr = vaddr - KernelImageMemory.START_KERNEL_MAP + physBase;
            assertThatThrownBy(() -> memory.u64(vaddr))
                    .isInstanceOf(JkdumpException.class)
                    .hasMessageStartingWith("%s: kernel virtual address 0x%016x (physical 0x%x) is ".formatted(Fixtures.sysrqElf(), vaddr, paddr));
        }
    }
}
