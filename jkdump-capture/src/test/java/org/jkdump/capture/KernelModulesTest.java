package org.jkdump.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelModulesTest {
    // the ext4 and virtio lines of Debian 6.1.0-56-amd64's modules.dep (depmod output)
    private static final String DEP = """
            kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko kernel/fs/jbd2/jbd2.ko
            kernel/lib/crc16.ko:
            kernel/fs/mbcache.ko:
            kernel/fs/jbd2/jbd2.ko:
            kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
            kernel/drivers/virtio/virtio.ko:
            kernel/drivers/virtio/virtio_ring.ko:
            kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_legacy_dev.ko kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
            kernel/drivers/virtio/virtio_pci_legacy_dev.ko:
            kernel/drivers/virtio/virtio_pci_modern_dev.ko:
            kernel/crypto/crc32c_generic.ko.xz:
            """;

    private static KernelModules tree(Path dir) throws IOException {
        Files.writeString(dir.resolve("modules.dep"), DEP);
        Files.writeString(dir.resolve("modules.builtin"), "kernel/drivers/ata/libata.ko\n");
        return KernelModules.read(dir);
    }

    @Test
    void loadsDependenciesBeforeTheModuleThatNeedsThem(@TempDir Path dir) throws IOException {
        var order = tree(dir).loadOrder(List.of("virtio_pci", "virtio_blk", "ext4", "crc32c-generic"));
        assertThat(order).extracting(p -> dir.relativize(p).toString()).containsExactly(
                "kernel/drivers/virtio/virtio_ring.ko", "kernel/drivers/virtio/virtio.ko",
                "kernel/drivers/virtio/virtio_pci_modern_dev.ko", "kernel/drivers/virtio/virtio_pci_legacy_dev.ko",
                "kernel/drivers/virtio/virtio_pci.ko", "kernel/drivers/block/virtio_blk.ko",
                "kernel/fs/jbd2/jbd2.ko", "kernel/fs/mbcache.ko", "kernel/lib/crc16.ko", "kernel/fs/ext4/ext4.ko",
                "kernel/crypto/crc32c_generic.ko.xz");
    }

    @Test
    void skipsBuiltInModulesAndRefusesUnknownOnes(@TempDir Path dir) throws IOException {
        var t = tree(dir);
        assertThat(t.loadOrder(List.of("libata"))).isEmpty();
        assertThatThrownBy(() -> t.loadOrder(List.of("nosuchmod")))
                .hasMessage(dir.resolve("modules.dep") + ": no module 'nosuchmod' (neither a module file nor built in)");
    }

    @Test
    void missingModulesDepSaysToRunDepmod(@TempDir Path dir) {
        assertThatThrownBy(() -> KernelModules.read(dir)).hasMessageContaining("missing: run depmod");
    }
}
