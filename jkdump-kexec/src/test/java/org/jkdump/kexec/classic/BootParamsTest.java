package org.jkdump.kexec.classic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jkdump.format.JkdumpException;
import org.junit.jupiter.api.Test;

class BootParamsTest {
    static final SetupHeader DEBIAN_6_1 = SetupHeader.parse(KexecToolsRun.bytes("vmlinuz-6.1.0-56-amd64.head"),
            KexecToolsRun.KERNEL_FILE_SIZE, "vmlinuz");

    @Test
    void readsTheDebianKernelsSetupHeader() {
        assertThat(DEBIAN_6_1.protocol()).isEqualTo(0x020f);
        assertThat(DEBIAN_6_1.setupBytes()).isEqualTo(0x5000); // kexec: kernel_size 0x7dd7c0, bufsz 0x7d87c0
        assertThat(DEBIAN_6_1.kernelBytes(KexecToolsRun.KERNEL_FILE_SIZE)).isEqualTo(0x7d87c0);
        assertThat(DEBIAN_6_1.initSize()).isEqualTo(0x3f98000); // kexec: "kernel init_size 0x3f98000"
        assertThat(DEBIAN_6_1.kernelAlignment()).isEqualTo(0x200000);
        assertThat(DEBIAN_6_1.prefAddress()).isEqualTo(0x1000000);
        assertThat(DEBIAN_6_1.xloadflags() & SetupHeader.XLF_KERNEL_64).isEqualTo(1);
        assertThat(DEBIAN_6_1.cmdlineSize()).isEqualTo(2047);
    }

    @Test
    void fillsLoaderFieldsAndE820AtTheirOffsets() {
        var e820 = List.of(new MemoryRegion(0, 0xfff, MemoryType.RESERVED), new MemoryRegion(0x1000, 0x9fbff, MemoryType.RAM),
                new MemoryRegion(0x1_2345_6000L, 0x1_2345_6fffL, MemoryType.ACPI));
        var p = new BootParams(DEBIAN_6_1, "console=ttyS0 elfcorehdr=1031540K", 0x1_3a9d_8000L, 0x4276ec, e820, 0xf59c0);
        var b = ByteBuffer.wrap(p.bytes(0x3ef5a000L)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0x202)).as("HdrS copied").isEqualTo(0x53726448);
        assertThat(b.getInt(0x260)).as("init_size copied").isEqualTo(0x3f98000);
        assertThat(b.get(0x210)).as("type_of_loader").isEqualTo((byte) 0xff);
        assertThat(b.getInt(0x228)).as("cmd_line_ptr").isEqualTo(0x3ef5b000);
        assertThat(b.getInt(0x0c8)).as("ext_cmd_line_ptr").isZero();
        assertThat(b.getInt(0x218)).as("ramdisk_image").isEqualTo(0x3a9d8000);
        assertThat(b.getInt(0x0c0)).as("ext_ramdisk_image").isEqualTo(1);
        assertThat(b.getInt(0x21c)).as("ramdisk_size").isEqualTo(0x4276ec);
        assertThat(b.getLong(0x070)).as("acpi_rsdp_addr").isEqualTo(0xf59c0);
        assertThat(b.get(0x1e8)).as("e820_entries").isEqualTo((byte) 3);
        int third = 0x2d0 + 2 * 20;
        assertThat(b.getLong(third)).isEqualTo(0x1_2345_6000L);
        assertThat(b.getLong(third + 8)).isEqualTo(0x1000);
        assertThat(b.getInt(third + 16)).as("E820_TYPE_ACPI").isEqualTo(3);
        var cmd = new String(b.array(), 4096, b.capacity() - 4096 - 1, StandardCharsets.US_ASCII);
        assertThat(cmd).isEqualTo("console=ttyS0 elfcorehdr=1031540K");
        assertThat(b.get(b.capacity() - 1)).isZero();
    }

    @Test
    void refusesACommandLineLongerThanTheKernelTakes() {
        assertThatThrownBy(() -> new BootParams(DEBIAN_6_1, "x".repeat(2048), 0, 0, List.of(), 0))
                .isInstanceOf(JkdumpException.class).hasMessageContaining("2048 bytes").hasMessageContaining("cmdline_size 2047");
    }

    @Test
    void refusesImagesWithoutThe64BitEntry() {
        byte[] head = KexecToolsRun.bytes("vmlinuz-6.1.0-56-amd64.head");
        head[0x236] = 0x7e;
        assertThatThrownBy(() -> SetupHeader.parse(head, KexecToolsRun.KERNEL_FILE_SIZE, "old.bz"))
                .hasMessage("old.bz: offset 0x236: xloadflags 0x7e lack XLF_KERNEL_64: a 32-bit kernel");
        byte[] notBz = new byte[1024];
        assertThatThrownBy(() -> SetupHeader.parse(notBz, 1024, "zeros"))
                .hasMessage("zeros: offset 0x202: no \"HdrS\" signature (found 0x00000000): not an x86 bzImage");
        byte[] oldProto = KexecToolsRun.bytes("vmlinuz-6.1.0-56-amd64.head");
        oldProto[0x206] = 0x0b;
        assertThatThrownBy(() -> SetupHeader.parse(oldProto, KexecToolsRun.KERNEL_FILE_SIZE, "old.bz"))
                .hasMessageContaining("boot protocol 2.11 is older than 2.12");
    }
}
