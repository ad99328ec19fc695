package org.jkdump.kernel.btf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.FixtureKernel;
import org.jkdump.kernel.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three places BTF comes from — kernel memory, a raw file, an ELF .BTF section — and
 * split BTF: a real module of the fixture kernel (vsock_loopback.ko from the same Debian
 * package) over the base read from the kdump-sysrq dump.
 */
class BtfSourcesFixtureTest {
    private static FixtureKernel kernel;
    private static Btf vmlinux;

    @BeforeAll
    static void open() {
        kernel = FixtureKernel.sysrq();
        vmlinux = kernel.btf();
    }

    @AfterAll
    static void close() {
        kernel.close();
    }

    static Path module() throws Exception {
        return Path.of(BtfSourcesFixtureTest.class.getResource("vsock_loopback.ko").toURI());
    }

    @Test
    void kernelMemoryHoldsTheWholeVmlinuxBtf() {
        long size = kernel.symbol("__stop_BTF") - kernel.symbol("__start_BTF");
        var h = vmlinux.header();
        assertThat((long) h.headerLength() + h.stringOffset() + h.stringLength()).isEqualTo(size);
        assertThat(vmlinux.typeCount()).isEqualTo(100751);
        assertThat(vmlinux.base()).isEmpty();
    }

    @Test
    void rawFileInSysfsFormatReadsLikeMemory(@TempDir Path dir) throws Exception {
        var file = dir.resolve("vmlinux");
        long start = kernel.symbol("__start_BTF");
        Files.write(file, kernel.memory().read(start, (int) (kernel.symbol("__stop_BTF") - start)));
        var btf = Btf.load(file);
        assertThat(btf.typeCount()).isEqualTo(vmlinux.typeCount());
        assertThat(new Types(btf).sizeof("struct task_struct")).isEqualTo(9792);
        assertThat(btf.name()).isEqualTo(file.toString());
    }

    @Test
    void moduleElfBtfIsSplitOverTheKernelsBase() throws Exception {
        var mod = Btf.load(module(), vmlinux);
        assertThat(mod.firstId()).isEqualTo(vmlinux.typeCount());
        assertThat(mod.typeCount()).isEqualTo(100824);
        assertThat(mod.name()).endsWith("vsock_loopback.ko (.BTF section at file offset 0x1690)");
        var types = new Types(mod);
        // struct vsock_loopback (net/vmw_vsock/vsock_loopback.c; 6.1.192 has the sk_buff_head version)
        var vl = types.struct("vsock_loopback");
        assertThat(vl.id()).isGreaterThanOrEqualTo(mod.firstId());
        assertThat(types.sizeof(vl)).isEqualTo(64);
        assertThat(types.offsetOf(vl, "pkt_queue")).isEqualTo(8);
        assertThat(types.offsetOf(vl, "pkt_work")).isEqualTo(32);
        assertThat(types.offsetOf(vl, "pkt_queue.qlen")).isEqualTo(8 + 16);
        assertThat(types.name(types.member(vl, "workqueue").type())).isEqualTo("struct workqueue_struct *");
        assertThat(types.member(vl, "pkt_queue").type().id()).isLessThan(mod.firstId()); // sk_buff_head: a base type
        assertThat(types.name(mod.named("vsock_loopback_send_pkt").getFirst())).isEqualTo("int vsock_loopback_send_pkt(struct sk_buff *)");
        assertThat(types.sizeof("struct task_struct")).isEqualTo(9792); // base types through the split
    }

    @Test
    void moduleBtfWithoutItsBaseIsRejected() {
        assertThatThrownBy(() -> Btf.load(module()))
                .isInstanceOf(MalformedBtfException.class)
                .hasMessageEndingWith("vsock_loopback.ko (.BTF section at file offset 0x1690): offset 0x8ec: "
                        + "string section does not start with a NUL byte (the empty name): split BTF (a module's) read without its base?");
    }

    @Test
    void elfWithoutBtfAndUnreadableRangesAreClearErrors(@TempDir Path dir) throws Exception {
        var bytes = Files.readAllBytes(module());
        // rename ".BTF" in the section name table so that no section has that name
        var text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("\0.BTF\0");
        bytes[at + 2] = 'X';
        var elf = dir.resolve("nobtf.ko");
        Files.write(elf, bytes);
        assertThatThrownBy(() -> Btf.load(elf)).isInstanceOf(JkdumpException.class)
                .hasMessage(elf + ": ELF file without a .BTF section (kernel built without CONFIG_DEBUG_INFO_BTF?)");
        assertThatThrownBy(() -> Btf.fromMemory(kernel.memory(), 0x2000, 0x1000))
                .hasMessage("BTF in kernel memory [0x0000000000002000, 0x0000000000001000): empty range");
        long start = kernel.symbol("__start_BTF");
        assertThatThrownBy(() -> Btf.fromMemory(kernel.memory(), start, start + (1L << 30)))
                .hasMessageEndingWith("1073741824 bytes, more than 268435456: __start_BTF/__stop_BTF are wrong");
        long excluded = kernel.pageOffsetBase() + 0x4000_0000L - 0x1000; // last page under 1 GiB: not RAM in this guest's dump
        assertThatThrownBy(() -> Btf.fromMemory(kernel.memory(), excluded, excluded + 64))
                .hasMessageStartingWith(String.format("BTF in kernel memory [0x%016x, 0x%016x): cannot read: ", excluded, excluded + 64));
        assertThatThrownBy(() -> Btf.load(dir.resolve("missing"))).hasMessage(dir.resolve("missing") + ": no such file");
    }
}
