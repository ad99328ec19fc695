package org.jkdump.kernel.symbols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.jkdump.format.DumpFile;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.Fixtures;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.KernelMemory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which source KernelSymbols.load picks for kdump-sysrq, searching a made-up root file system. */
class KernelSymbolsTest {
    private static final String RELEASE = "6.1.0-56-amd64";
    private static DumpFile dump;
    private static VmcoreInfo info;
    private static KernelMemory memory;

    @TempDir
    Path root;

    @BeforeAll
    static void open() {
        dump = DumpFiles.open(Fixtures.sysrqElf());
        info = dump.vmcoreinfo().orElseThrow();
        memory = KernelImageMemory.of(dump.memory(), info);
    }

    @AfterAll
    static void close() {
        dump.close();
    }

    @Test
    void decodesKallsymsWhenNoFileIsGivenOrFound() {
        var table = KernelSymbols.load(memory, info, Optional.empty(), root);
        assertThat(table.origin()).isEqualTo("kallsyms in the dump");
        assertThat(table.warnings()).isEmpty();
        assertThat(table.address("init_task")).hasValue(0xffffffffb841aa40L);
    }

    @Test
    void passesOverDebiansPlaceholderMap() throws IOException {
        put("boot/System.map-" + RELEASE, "ffffffffffffffff B The real System.map is in the linux-image-" + RELEASE + "-dbg package\n");
        assertThat(SymbolFiles.discover(root, RELEASE)).isEmpty();
        var table = KernelSymbols.load(memory, info, Optional.empty(), root);
        assertThat(table.origin()).isEqualTo("kallsyms in the dump");
    }

    @Test
    void usesTheInstalledSystemMapOfTheRelease() throws IOException {
        var map = put("boot/System.map-" + RELEASE, Files.readString(ReferenceSymbols.systemMapPath(), StandardCharsets.ISO_8859_1));
        var table = KernelSymbols.load(memory, info, Optional.empty(), root);
        assertThat(table.origin()).isEqualTo("System.map " + map + " (moved by KERNELOFFSET 0x35a00000)");
        assertThat(table.size()).isEqualTo(115_219);
    }

    @Test
    void prefersTheDebugVmlinuxToTheSystemMap() throws IOException {
        put("boot/System.map-" + RELEASE, Files.readString(ReferenceSymbols.systemMapPath(), StandardCharsets.ISO_8859_1));
        var vmlinux = root.resolve("usr/lib/debug/boot/vmlinux-" + RELEASE);
        Files.createDirectories(vmlinux.getParent());
        var map = SystemMap.read(ReferenceSymbols.systemMapPath());
        Files.write(vmlinux, TestVmlinux.build(map.symbols().stream().map(TestVmlinux::entryFor).toList(), info.buildId(), true));
        assertThat(SymbolFiles.discover(root, RELEASE)).containsExactly(vmlinux, root.resolve("boot/System.map-" + RELEASE));
        assertThat(KernelSymbols.load(memory, info, Optional.empty(), root).origin()).startsWith("vmlinux " + vmlinux);
    }

    @Test
    void skipsAFoundMapOfAnotherBuildWithAWarning() throws IOException {
        var text = Files.readString(ReferenceSymbols.systemMapPath(), StandardCharsets.ISO_8859_1)
                .replace("ffffffff81000000 T _stext\n", "ffffffff81200000 T _stext\n");
        var map = put("boot/System.map-" + RELEASE, text);
        var table = KernelSymbols.load(memory, info, Optional.empty(), root);
        assertThat(table.origin()).isEqualTo("kallsyms in the dump");
        assertThat(table.warnings()).singleElement().asString()
                .startsWith("not using " + map + ": line 387: _stext is at 0xffffffff81200000");
    }

    @Test
    void namesEveryPlaceSearchedWhenThereIsNoSourceAtAll() {
        var old = VmcoreInfo.parse(info.text().lines().filter(l -> !l.contains("kallsyms")).reduce("", (a, b) -> a + b + "\n"));
        assertThatThrownBy(() -> KernelSymbols.load(memory, old, Optional.empty(), root))
                .hasMessageStartingWith("no kernel symbols: VMCOREINFO locates no kallsyms tables (they are there from Linux 6.0 on) "
                        + "and no usable System.map or vmlinux was found in [" + root.resolve("usr/lib/debug/boot/vmlinux-" + RELEASE))
                .hasMessageEndingWith("; name one with -m/--map FILE");
    }

    @Test
    void aGivenFileIsUsedEvenWhenKallsymsIsThere() {
        var table = KernelSymbols.load(memory, info, Optional.of(ReferenceSymbols.systemMapPath()), root);
        assertThat(table.origin()).startsWith("System.map ");
    }

    private Path put(String relative, String text) throws IOException {
        var p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.ISO_8859_1);
        return p;
    }
}
