package org.jkdump.kernel.symbols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jkdump.format.DumpFile;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.Fixtures;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.KernelMemory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixture kernel's System.map read, relocated onto kdump-sysrq and checked against it. */
class SystemMapTest {
    private static DumpFile dump;
    private static VmcoreInfo info;
    private static KernelMemory memory;
    private static String mapText;

    /** The symbols kdump-sysrq's VMCOREINFO names. */
    private static final Pattern VMCOREINFO_NAMES =
            Pattern.compile(" (init_uts_ns|_stext|vmap_area_list|mem_section|prb|printk_rb_static|clear_seq|kallsyms_.*|init_top_pgt|node_data)$");

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() throws IOException {
        dump = DumpFiles.open(Fixtures.sysrqElf());
        info = dump.vmcoreinfo().orElseThrow();
        memory = KernelImageMemory.of(dump.memory(), info);
        mapText = Files.readString(ReferenceSymbols.systemMapPath(), StandardCharsets.ISO_8859_1);
    }

    @AfterAll
    static void close() {
        dump.close();
    }

    @Test
    void readsEveryLineOfTheFixtureMap() {
        var map = SystemMap.read(ReferenceSymbols.systemMapPath());
        assertThat(map.symbols()).hasSize(115_219);
        assertThat(map.symbols().getFirst()).isEqualTo(Symbol.of("__per_cpu_start", 0, 'D'));
        assertThat(map.symbols().get(386)).isEqualTo(Symbol.of("_stext", 0xffffffff81000000L, 'T'));
        assertThat(map.where(386)).isEqualTo("line 387");
        assertThat(map.buildId()).isEmpty();
    }

    @Test
    void relocatesImageSymbolsByKernelOffsetOnly() {
        var table = KernelSymbols.load(memory, info, Optional.of(ReferenceSymbols.systemMapPath()));
        assertThat(table.origin()).isEqualTo("System.map " + ReferenceSymbols.systemMapPath() + " (moved by KERNELOFFSET 0x35a00000)");
        assertThat(table.size()).isEqualTo(115_219);
        assertThat(table.address("_stext")).hasValue(0xffffffffb6a00000L);
        assertThat(table.address("_end")).hasValue(0xffffffff84430000L + 0x35a00000L);
        // per-cpu offsets and absolute values near zero stay where they are
        assertThat(table.address("cpu_number")).hasValue(0x199e0L);
        assertThat(table.address("kexec_control_code_size")).hasValue(0x1eaL);
        assertThat(table.address("phys_startup_64")).hasValue(0x1000000L);
        // absolute symbols inside the image mapping move with it, as crash relocates its sections' range
        assertThat(table.address("init_per_cpu__gdt_page")).hasValue(0xffffffff8304f000L + 0x35a00000L);
    }

    @Test
    void crashSymOutputOfTheSysrqDumpMatchesTheRelocatedMap() {
        var table = KernelSymbols.load(memory, info, Optional.of(ReferenceSymbols.systemMapPath()));
        for (var e : ReferenceSymbols.crashSyms(Fixtures.text("kdump-sysrq", "crash.txt"))) {
            var s = table.byName(e.name()).orElseThrow();
            assertThat(s.address()).as(e.command()).isEqualTo(e.address());
            assertThat(s.type()).as(e.command()).isEqualTo(e.type());
        }
    }

    @Test
    void refusesMalformedLineWithItsNumber() {
        var bad = write("bad.map", "ffffffff81000000 T _stext\nffffffff81000010 T\nffffffff81000020 t x\n");
        assertThatThrownBy(() -> SystemMap.read(bad))
                .isInstanceOf(SymbolFileException.class)
                .hasMessage(bad + ": line 2: expected \"ADDRESS TYPE NAME\" (like \"ffffffff81000000 T _stext\"), found \"ffffffff81000010 T\"")
                .extracting(e -> ((SymbolFileException) e).line()).isEqualTo(2);
    }

    @Test
    void refusesAddressThatIsNotHex() {
        var bad = write("bad.map", "ffffffff81000000 T _stext\n\nffffffff8100zz00 T startup_64\n");
        assertThatThrownBy(() -> SystemMap.read(bad))
                .hasMessage(bad + ": line 3: address \"ffffffff8100zz00\" is not a hexadecimal number of at most 16 digits");
    }

    @Test
    void refusesTypeThatIsNotALetter() {
        var bad = write("bad.map", "ffffffff81000000 TT _stext\n");
        assertThatThrownBy(() -> SystemMap.read(bad))
                .hasMessageStartingWith(bad + ": line 1: type \"TT\" is not one of nm's type letters");
    }

    @Test
    void refusesEmptyMap() {
        var empty = write("empty.map", "\n\n");
        assertThatThrownBy(() -> SystemMap.read(empty)).hasMessage(empty + ": holds no symbols (an empty System.map)");
    }

    @Test
    void refusesDebiansPlaceholderMapByName() {
        var stub = write("System.map-6.1.0-56-amd64", "ffffffffffffffff B The real System.map is in the linux-image-6.1.0-56-amd64-dbg package\n");
        assertThatThrownBy(() -> SymbolFile.read(stub))
                .hasMessage(stub + ": line 1: this is Debian's placeholder, not a symbol map (\"The real System.map is in the "
                        + "linux-image-6.1.0-56-amd64-dbg package\"); give the vmlinux or System.map of the -dbg package");
    }

    @Test
    void refusesMapWhoseStextDisagreesWithTheDump() {
        // another build: _stext on its line 387 one page off
        var other = write("System.map", mapText.replace("ffffffff81000000 T _stext\n", "ffffffff81001000 T _stext\n"));
        assertThatThrownBy(() -> KernelSymbols.load(memory, info, Optional.of(other)))
                .isInstanceOf(SymbolFileException.class)
                .hasMessage(other + ": line 387: _stext is at 0xffffffff81001000 (0xffffffffb6a01000 after KERNELOFFSET 35a00000), "
                        + "but the dump's VMCOREINFO has SYMBOL(_stext)=ffffffffb6a00000: this System.map is not from the kernel that crashed");
    }

    @Test
    void refusesMapWhoseBannerReadsOtherwiseInTheDump() {
        // a map that names none of VMCOREINFO's symbols: only linux_banner can tell, and it points 0x40 too far
        var lines = mapText.lines()
                .filter(l -> !VMCOREINFO_NAMES.matcher(l).find())
                .map(l -> l.endsWith(" linux_banner") ? "ffffffff82161940 D linux_banner" : l)
                .toList();
        var other = write("System.map", String.join("\n", lines) + "\n");
        int line = lines.indexOf("ffffffff82161940 D linux_banner") + 1;
        assertThatThrownBy(() -> KernelSymbols.load(memory, info, Optional.of(other)))
                .isInstanceOf(SymbolFileException.class)
                .hasMessageStartingWith(other + ": line " + line + ": linux_banner at 0xffffffffb7b61940 reads \"")
                .hasMessageEndingWith("\" in the dump, not \"Linux version 6.1.0-56-amd64...\": this System.map is not from the kernel that crashed");
    }

    @Test
    void acceptsMapProvenByItsBannerAlone() {
        var lines = mapText.lines()
                .filter(l -> !VMCOREINFO_NAMES.matcher(l).find())
                .toList();
        var trimmed = write("System.map", String.join("\n", lines) + "\n");
        assertThat(KernelSymbols.load(memory, info, Optional.of(trimmed)).address("panic")).hasValue(0xffffffffb7401cb0L);
    }

    @Test
    void refusesMapItCannotProveEitherWay() {
        var tiny = write("System.map", "ffffffff81000100 T some_function\n");
        assertThatThrownBy(() -> KernelSymbols.load(memory, info, Optional.of(tiny)))
                .hasMessage(tiny + ": cannot tell whether this System.map belongs to the dump: it has no build ID to compare, "
                        + "none of the symbols VMCOREINFO names and no readable linux_banner");
    }

    @Test
    void refusesMissingFile() {
        var none = tmp.resolve("nope.map");
        assertThatThrownBy(() -> KernelSymbols.load(memory, info, Optional.of(none))).hasMessage(none + ": no such file");
    }

    private Path write(String name, String text) {
        try {
            var p = tmp.resolve(name);
            Files.writeString(p, text, StandardCharsets.ISO_8859_1);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
