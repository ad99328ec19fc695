package org.jkdump.kernel.symbols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jkdump.format.DumpFile;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.Fixtures;
import org.jkdump.format.MalformedDumpException;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.KernelMemory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vmlinux .symtab reader, on ELF files written from the fixture kernel's System.map (every
 * symbol, each letter as the section and binding nm derives it from) plus the entries
 * scripts/mksysmap filters out; the result must be System.map again.
 */
class VmlinuxSymbolsTest {
    private static DumpFile dump;
    private static VmcoreInfo info;
    private static KernelMemory memory;
    private static SystemMap map;
    private static String dumpBuildId;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() {
        dump = DumpFiles.open(Fixtures.sysrqElf());
        info = dump.vmcoreinfo().orElseThrow();
        memory = KernelImageMemory.of(dump.memory(), info);
        map = SystemMap.read(ReferenceSymbols.systemMapPath());
        dumpBuildId = info.buildId().orElseThrow();
    }

    @AfterAll
    static void close() {
        dump.close();
    }

    /** The fixture map as .symtab entries, with what mksysmap drops mixed in. */
    private static List<TestVmlinux.RawSymbol> entries() {
        var raw = new ArrayList<TestVmlinux.RawSymbol>();
        raw.add(TestVmlinux.RawSymbol.of("sysrq.c", 0, 4, TestVmlinux.SHN_ABS, 0));            // STT_FILE
        raw.add(TestVmlinux.RawSymbol.of("", 0, 3, TestVmlinux.TEXT, 0xffffffff81000000L));     // STT_SECTION
        raw.add(TestVmlinux.RawSymbol.of("printk_extern", 1, 2, 0, 0));                         // undefined (U)
        raw.add(TestVmlinux.RawSymbol.of("weak_missing", 2, 0, 0, 0));                          // undefined weak (w)
        raw.add(TestVmlinux.RawSymbol.of("__crc_panic", 1, 0, TestVmlinux.SHN_ABS, 0x12345678)); // mksysmap drops __crc_
        raw.add(TestVmlinux.RawSymbol.of("local_value", 0, 0, TestVmlinux.SHN_ABS, 0x42));       // a: local absolute
        raw.add(TestVmlinux.RawSymbol.of(".Ltmp0", 0, 0, TestVmlinux.TEXT, 0xffffffff81000010L));
        for (var s : map.symbols()) raw.add(TestVmlinux.entryFor(s));
        raw.set(raw.size() - 1, new TestVmlinux.RawSymbol(raw.getLast().name(), raw.getLast().info(), raw.getLast().shndx(), raw.getLast().value(), 0x200000));
        return raw;
    }

    private Path write(List<TestVmlinux.RawSymbol> entries, Optional<String> buildId, boolean symtab) throws IOException {
        var p = tmp.resolve("vmlinux-6.1.0-56-amd64");
        Files.write(p, TestVmlinux.build(entries, buildId, symtab));
        return p;
    }

    @Test
    void readsTheSameSymbolsAndLettersAsSystemMap() throws IOException {
        var vmlinux = VmlinuxSymbols.read(write(entries(), Optional.of(dumpBuildId), true));
        assertThat(vmlinux.symbols()).hasSize(map.symbols().size());
        for (int i = 0; i < map.symbols().size(); i++) {
            var m = map.symbols().get(i);
            var v = vmlinux.symbols().get(i);
            assertThat(v.name()).isEqualTo(m.name());
            assertThat(v.address()).isEqualTo(m.address());
            assertThat(v.type()).as("letter of %s", m.name()).isEqualTo(m.type());
        }
        assertThat(vmlinux.symbols().getLast().size()).hasValue(0x200000);
        assertThat(vmlinux.symbols().getFirst().size()).isEqualTo(OptionalLong.empty());
        assertThat(vmlinux.buildId()).hasValue(dumpBuildId);
        assertThat(vmlinux.where(0)).isEqualTo(".symtab entry 8");
    }

    @Test
    void loadsAMatchingVmlinuxRelocatedOntoTheDump() throws IOException {
        var path = write(entries(), Optional.of(dumpBuildId), true);
        var table = KernelSymbols.load(memory, info, Optional.of(path));
        assertThat(table.origin()).isEqualTo("vmlinux " + path + " (moved by KERNELOFFSET 0x35a00000)");
        for (var e : ReferenceSymbols.crashSyms(Fixtures.text("kdump-sysrq", "crash.txt"))) {
            var s = table.byName(e.name()).orElseThrow();
            assertThat(s.address()).as(e.command()).isEqualTo(e.address());
            assertThat(s.type()).as(e.command()).isEqualTo(e.type());
        }
        assertThat(table.address("cpu_number")).hasValue(0x199e0L);
    }

    @Test
    void refusesVmlinuxOfAnotherBuild() throws IOException {
        var other = "0123456789abcdef0123456789abcdef01234567";
        var path = write(entries(), Optional.of(other), true);
        assertThatThrownBy(() -> KernelSymbols.load(memory, info, Optional.of(path)))
                .isInstanceOf(SymbolFileException.class)
                .hasMessage(path + ": build ID " + other + " is not the dump's BUILD-ID " + dumpBuildId
                        + ": this vmlinux is not the kernel that crashed");
    }

    @Test
    void refusesStrippedVmlinux() throws IOException {
        var path = write(entries(), Optional.of(dumpBuildId), false);
        assertThatThrownBy(() -> SymbolFile.read(path))
                .hasMessage(path + ": has no .symtab section: a stripped vmlinux (use the one from the -dbg package, or a System.map)");
    }

    @Test
    void refusesCoreDumpGivenAsVmlinux() {
        var core = Fixtures.sysrqElf();
        assertThatThrownBy(() -> SymbolFile.read(core))
                .isInstanceOf(MalformedDumpException.class)
                .hasMessage(core + ": offset 0x10: e_type 4 is not ET_EXEC: not a vmlinux (a core dump or module is given where a vmlinux belongs?)");
    }

    @Test
    void refusesSymbolNameOffsetPastStrtab() throws IOException {
        var bytes = TestVmlinux.build(List.of(TestVmlinux.RawSymbol.of("panic", 1, 2, TestVmlinux.TEXT, 0xffffffff81000000L)), Optional.empty(), true);
        // symbol 1's st_name: the symtab follows the 64-byte header (no note here) and the null symbol
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(64 + 24, 0x7fff0000);
        var path = tmp.resolve("vmlinux");
        Files.write(path, bytes);
        assertThatThrownBy(() -> VmlinuxSymbols.read(path))
                .isInstanceOf(MalformedDumpException.class)
                .hasMessageContaining("symbol 1's name at string offset 2147418112 is past the end of .strtab");
    }
}
