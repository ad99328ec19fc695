package org.jkdump.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * QEMU's own dumps (dump-guest-memory through QMP, made by ../shared/vm's {@code --qmp-dump}
 * run): the ELF that puts its section headers before the program headers, which makedumpfile
 * 1.7.2 refuses, and the kdump-zlib file, which QEMU writes as a flattened stream. Both open,
 * carry the guest's VMCOREINFO and CPU notes, and hold the same page contents.
 */
@Tag("vm")
class QemuDumpVmTest {
    @Test
    void qemuElfAndKdumpHoldTheSamePages() throws Exception {
        var dir = VmRuns.dir("qmp").resolve("qmp");
        try (var elf = DumpFiles.open(dir.resolve("qemu-dump.elf"));
             var kdump = DumpFiles.open(dir.resolve("qemu-dump.kdump-zlib"))) {
            assertThat(elf).isInstanceOf(ElfDump.class);
            assertThat(elf.describe().producer()).contains("QEMU");
            assertThat(kdump).isInstanceOf(FlattenedDump.class);
            for (var d : new DumpFile[]{elf, kdump}) {
                assertThat(d.vmcoreinfo().flatMap(VmcoreInfo::osRelease)).as("%s: VMCOREINFO from -device vmcoreinfo", d.name()).isPresent();
                assertThat(d.cpuStates()).as("%s: one NT_PRSTATUS per vCPU", d.name()).hasSize(2);
            }
            assertThat(kdump.vmcoreinfo().orElseThrow().entries()).isEqualTo(elf.vmcoreinfo().orElseThrow().entries());

            // QEMU's kdump format leaves out zero pages (dump level 1): every page it holds is in the
            // ELF with the same bytes, and every page only the ELF holds is zero
            var a = elf.memory();
            var b = kdump.memory();
            var pa = new byte[4096];
            var pb = new byte[4096];
            var zero = new byte[4096];
            long same = 0, zeroOnly = 0;
            for (long pfn : a.presentFrames().toArray()) {
                a.readPage(pfn, pa, 0);
                if (b.isPresent(pfn)) {
                    b.readPage(pfn, pb, 0);
                    assertThat(Arrays.equals(pa, pb)).as("frame 0x%x differs between the ELF and the kdump file", pfn).isTrue();
                    same++;
                } else {
                    assertThat(Arrays.equals(pa, zero)).as("frame 0x%x is only in the ELF but not zero", pfn).isTrue();
                    zeroOnly++;
                }
            }
            assertThat(b.presentFrames().filter(p -> !a.isPresent(p)).count()).as("frames only the kdump file holds").isZero();
            assertThat(same).isGreaterThan(100_000);
            assertThat(same + zeroOnly).isEqualTo(a.presentCount());
        }
    }
}
