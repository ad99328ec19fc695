package org.jkdump.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

class InitramfsBuilderTest {
    record Entry(CpioArchiveEntry header, byte[] data) {
    }

    private static Map<String, Entry> unpack(Path archive, InitramfsBuilder.Compression c) throws IOException {
        var out = new LinkedHashMap<String, Entry>();
        try (InputStream raw = Files.newInputStream(archive);
             InputStream in = c == InitramfsBuilder.Compression.GZIP ? new GZIPInputStream(raw) : new io.airlift.compress.zstd.ZstdInputStream(raw);
             var cpio = new CpioArchiveInputStream(in)) {
            CpioArchiveEntry e;
            while ((e = cpio.getNextCPIOEntry()) != null) out.put(e.getName(), new Entry(e, cpio.readAllBytes()));
        }
        return out;
    }

    private static InitramfsBuilder.Spec spec(Path dir, InitramfsBuilder.Compression c) throws IOException {
        Path mods = Files.createDirectories(dir.resolve("lib/modules/6.1.0-56-amd64"));
        Files.createDirectories(mods.resolve("kernel/fs/ext4"));
        Files.createDirectories(mods.resolve("kernel/lib"));
        Files.writeString(mods.resolve("kernel/lib/crc16.ko"), "crc16 module");
        try (var xz = new XZOutputStream(Files.newOutputStream(mods.resolve("kernel/fs/ext4/ext4.ko.xz")), new LZMA2Options())) {
            xz.write("ext4 module bytes".getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(mods.resolve("modules.dep"), "kernel/fs/ext4/ext4.ko.xz: kernel/lib/crc16.ko\nkernel/lib/crc16.ko:\n");
        Path runtime = Files.createDirectories(dir.resolve("runtime/bin"));
        Files.writeString(runtime.resolve("java"), "#!/bin/sh\n");
        Files.writeString(dir.resolve("runtime/release"), "JAVA_VERSION=\"25\"\n");
        Path busybox = Files.writeString(dir.resolve("busybox"), "busybox binary");
        Path jar = Files.writeString(dir.resolve("jkdump.jar"), "jar bytes");
        var conf = CaptureConfig.parse("ext4 /dev/vdb\nfinal_action poweroff\n", "test.conf");
        return new InitramfsBuilder.Spec(mods, busybox, dir.resolve("runtime"), jar, conf, List.of("ext4"), Map.of(),
                InitramfsBuilder.captureInit(conf), c);
    }

    @Test
    void sshTargetCarriesItsKeyAndKnownHostsAndBringsUpTheNetworkInsteadOfMounting(@TempDir Path dir) throws IOException {
        var base = spec(dir, InitramfsBuilder.Compression.GZIP);
        Path key = Files.writeString(dir.resolve("id_ecdsa"), "private key");
        Path known = Files.writeString(dir.resolve("known_hosts"), "10.0.2.2 ecdsa-sha2-nistp256 AAAA\n");
        var target = new SshTarget("root", "10.0.2.2", 2222, key, known, Path.of("/var/crash"));
        var d = CaptureConfig.defaults();
        var conf = new CaptureConfig("t", target, d.collectorFlags(), Action.POWEROFF, Action.POWEROFF, d.kdumpPre(), d.kdumpPost(), d.extraModules());
        String init = InitramfsBuilder.captureInit(conf);
        assertThat(init).contains("udhcpc -i \"${n##*/}\"", "JKDUMP-CAPTURE-INIT: network up",
                        "JKDUMP-CAPTURE-INIT: no network for ssh root@10.0.2.2:2222:/var/crash", "finish \"poweroff -f\"")
                .doesNotContain("mount -t ext4").doesNotContainPattern("@[A-Z_]+@");
        assertThat(init.indexOf("udhcpc -i")).isLessThan(init.indexOf("jkdump.jar capture"));
        var entries = unpack(InitramfsBuilder.build(new InitramfsBuilder.Spec(base.modulesDir(), base.busybox(), base.runtime(), base.jar(), conf,
                List.of(), Map.of(), init, InitramfsBuilder.Compression.GZIP), dir.resolve("ssh.img")).file(), InitramfsBuilder.Compression.GZIP);
        var k = entries.get(key.toString().substring(1));
        assertThat(new String(k.data(), StandardCharsets.UTF_8)).isEqualTo("private key");
        assertThat(k.header().getMode() & 0777).isEqualTo(0600);
        assertThat(entries.get(known.toString().substring(1)).data()).isEqualTo(Files.readAllBytes(known));
        assertThat(new String(entries.get("etc/jkdump.conf").data(), StandardCharsets.UTF_8)).contains("ssh root@10.0.2.2:2222\n", "sshkey " + key + "\n");
    }

    @Test
    void dhcpScriptSetsTheLeasedAddressAndTheDefaultRouteAndSaysSo(@TempDir Path dir) throws Exception {
        String init = InitramfsBuilder.captureInit(CaptureConfig.parse("ssh root@10.0.2.2:2222\n", "t"));
        int start = init.indexOf("<<'SCRIPT'\n") + "<<'SCRIPT'\n".length();
        Path script = Files.writeString(dir.resolve("udhcpc.script"), init.substring(start, init.indexOf("\nSCRIPT\n", start) + 1));
        // an ip(8) that records what it is asked to do
        Path bin = Files.createDirectories(dir.resolve("bin")), calls = dir.resolve("ip-calls");
        Files.writeString(bin.resolve("ip"), "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n");
        bin.resolve("ip").toFile().setExecutable(true);
        for (String event : List.of("deconfig", "bound")) {
            var pb = new ProcessBuilder("sh", script.toString(), event).redirectErrorStream(true);
            pb.environment().putAll(Map.of("PATH", bin + ":" + System.getenv("PATH"), "interface", "eth0", "ip", "10.0.2.15",
                    "mask", "24", "router", "10.0.2.2 10.0.2.3"));
            var p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(out).isZero();
            if (event.equals("deconfig")) assertThat(calls).as("deconfig changes nothing").doesNotExist();
            else assertThat(out).startsWith("JKDUMP-CAPTURE-INIT: network up eth0 10.0.2.15/24 router=10.0.2.2 uptime=");
        }
        assertThat(Files.readAllLines(calls)).containsExactly("addr add 10.0.2.15/24 dev eth0", "route add default via 10.0.2.2 dev eth0");
        assertThat(init).contains("udhcpc -i \"${n##*/}\" -s /run/udhcpc.script").contains("cat > /run/udhcpc.script <<'SCRIPT'");
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"ext4 /dev/vdb\n", "path /var/crash\n",
            "ssh root@10.0.2.2:2222\nsshkey /k\nsshknownhosts /kh\n"})
    void captureInitIsShellThatParsesForEachTarget(String conf, @TempDir Path dir) throws Exception {
        Path init = Files.writeString(dir.resolve("init"), InitramfsBuilder.captureInit(CaptureConfig.parse(conf, "t")));
        var p = new ProcessBuilder("sh", "-n", init.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("sh -n: %s", out).isZero();
    }

    @ParameterizedTest
    @EnumSource(InitramfsBuilder.Compression.class)
    void writesANewcArchiveTheKernelCanBoot(InitramfsBuilder.Compression c, @TempDir Path dir) throws IOException {
        var r = InitramfsBuilder.build(spec(dir, c), dir.resolve("out.img"));
        var entries = unpack(r.file(), c);
        assertThat(entries.get("init").header().getMode()).isEqualTo(CpioConstants.C_ISREG | 0755);
        assertThat(new String(entries.get("init").data(), StandardCharsets.UTF_8))
                .startsWith("#!/bin/sh").contains("mount -t ext4 /dev/vdb /kdumproot", "-Xmx64m", "poweroff -f", "reboot -f");
        var console = entries.get("dev/console").header();
        assertThat(console.getMode() & CpioConstants.S_IFMT).isEqualTo(CpioConstants.C_ISCHR);
        assertThat(console.getRemoteDeviceMaj()).isEqualTo(5);
        assertThat(console.getRemoteDeviceMin()).isEqualTo(1);
        assertThat(new String(entries.get("bin/sh").data(), StandardCharsets.UTF_8)).isEqualTo("busybox");
        assertThat(entries).containsKeys("opt/jkdump/runtime/bin/java", "opt/jkdump/runtime/release", "opt/jkdump/jkdump.jar", "bin/busybox");
        // liblzo2 for the collector's native -l, where the capture's dlopen looks (CI installs makedumpfile, which needs it)
        var lzo = SharedLibraries.find("liblzo2.so.2");
        assertThat(lzo).as("the host's liblzo2 (package liblzo2-2)").isPresent();
        assertThat(entries.get(lzo.get().toString().substring(1)).data()).isEqualTo(Files.readAllBytes(lzo.get().toRealPath()));
        var deflate = SharedLibraries.find("libdeflate.so.0");
        assertThat(deflate).as("the host's libdeflate (package libdeflate0)").isPresent();
        assertThat(entries).containsKey(deflate.get().toString().substring(1));
        // modules decompressed, dependencies first, named in load order
        assertThat(new String(entries.get("lib/jkdump/modules.order").data(), StandardCharsets.UTF_8))
                .isEqualTo("00-crc16.ko\n01-ext4.ko\n");
        assertThat(new String(entries.get("lib/jkdump/modules/01-ext4.ko").data(), StandardCharsets.UTF_8)).isEqualTo("ext4 module bytes");
        assertThat(new String(entries.get("etc/jkdump.conf").data(), StandardCharsets.UTF_8)).contains("ext4 /dev/vdb", "final_action poweroff");
        // every directory comes before what it holds
        var names = List.copyOf(entries.keySet());
        assertThat(names.indexOf("lib/jkdump/modules")).isLessThan(names.indexOf("lib/jkdump/modules/00-crc16.ko"));
        assertThat(r.modules()).containsExactly("crc16", "ext4");
        assertThat(r.compressedBytes()).isEqualTo(Files.size(r.file()));
        assertThat(dir.resolve("out.img.incomplete")).doesNotExist();
    }

    @Test
    void captureModulesCoverDisksTheFileSystemAndCrc32c(@TempDir Path dir) throws IOException {
        Path mods = Files.createDirectories(dir.resolve("m"));
        Files.writeString(mods.resolve("modules.dep"), "kernel/fs/ext4/ext4.ko:\n");
        Files.writeString(mods.resolve("modules.builtin"), "kernel/drivers/nvme/host/nvme.ko\n");
        var conf = CaptureConfig.parse("ext4 /dev/vdb\nextra_modules e1000e\n", "c");
        assertThat(InitramfsBuilder.modulesFor(conf, KernelModules.read(mods)))
                .containsExactly("virtio_pci", "virtio_blk", "ahci", "sd_mod", "ext4", "crc32c_generic", "e1000e");
    }

    @Test
    void sshCaptureModulesAreTheNetworkDriversInsteadOfTheDisks(@TempDir Path dir) throws IOException {
        Path mods = Files.createDirectories(dir.resolve("m"));
        Files.writeString(mods.resolve("modules.dep"), "kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko\n");
        Files.writeString(mods.resolve("modules.builtin"), "kernel/net/packet/af_packet.ko\n");
        var conf = CaptureConfig.parse("ssh root@10.0.2.2\nextra_modules 8021q\n", "c");
        assertThat(InitramfsBuilder.modulesFor(conf, KernelModules.read(mods)))
                .containsExactly("virtio_pci", "virtio_net", "e1000", "8021q");
    }
}
