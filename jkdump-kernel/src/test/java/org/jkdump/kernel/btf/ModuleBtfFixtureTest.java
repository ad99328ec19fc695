package org.jkdump.kernel.btf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import org.jkdump.kernel.FixtureKernel;
import org.jkdump.kernel.Types;
import org.junit.jupiter.api.Test;

/**
 * Module BTF from the dump alone: kdump-oops-module had twelve modules loaded, eleven from
 * Debian's package with BTF and jkcrash (built out of tree, without BTF). Their split BTF is
 * read from the kernel's btf_modules list over the kernel's BTF from the same dump.
 */
class ModuleBtfFixtureTest {
    @Test
    void everyDistributionModuleHasSplitBtfOverTheKernels() {
        try (var k = FixtureKernel.oops()) {
            var all = ModuleBtf.read(k.types(), k.memory(), k.symbol("btf_modules"));
            assertThat(all.problems()).isEmpty();
            var names = new HashSet<String>();
            all.modules().forEach(m -> names.add(m.module()));
            assertThat(names).containsExactlyInAnyOrder("virtio_ring", "mbcache", "virtio", "virtio_pci_modern_dev",
                    "virtio_pci_legacy_dev", "virtio_pci", "crc32c_generic", "virtio_blk", "jbd2", "crc16", "ext4");
            for (var m : all.modules()) {
                assertThat(m.btf().firstId()).as(m.module()).isEqualTo(k.btf().typeCount());
                assertThat(m.btf().typeCount()).as(m.module()).isGreaterThan(m.btf().firstId());
            }
            var ext4 = all.modules().stream().filter(m -> m.module().equals("ext4")).findFirst().orElseThrow();
            assertThat(ext4.address()).isEqualTo(0xffffffffc06552c0L); // crash mod: MODULE column
            var types = new Types(ext4.btf());
            // ext4's on-disk formats have fixed sizes: the superblock is 1024 bytes, an inode 160 (i_projid ends at 160)
            assertThat(types.sizeof("struct ext4_super_block")).isEqualTo(1024);
            assertThat(types.sizeof("struct ext4_inode")).isEqualTo(160);
            assertThat(types.offsetOf("struct ext4_inode", "i_projid")).isEqualTo(156);
            assertThat(types.struct("ext4_sb_info").id()).isGreaterThanOrEqualTo(ext4.btf().firstId());
            assertThat(types.sizeof("struct task_struct")).isEqualTo(9792); // base types through the module's BTF
            var jbd2 = all.modules().stream().filter(m -> m.module().equals("jbd2")).findFirst().orElseThrow();
            assertThat(new Types(jbd2.btf()).sizeof("journal_superblock_t")).isEqualTo(1024);
        }
    }
}
