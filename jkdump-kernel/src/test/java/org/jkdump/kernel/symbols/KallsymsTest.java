package org.jkdump.kernel.symbols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Random;
import org.jkdump.format.DumpFile;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.Fixtures;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.KernelMemory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** kallsyms decoded from kdump-sysrq's ELF dump, with no vmlinux and no System.map, held against the reference files. */
class KallsymsTest {
    private static DumpFile dump;
    private static VmcoreInfo info;
    private static KernelMemory memory;
    private static SymbolTable kallsyms;
    private static SystemMap map;

    @BeforeAll
    static void decode() {
        dump = DumpFiles.open(Fixtures.sysrqElf());
        info = dump.vmcoreinfo().orElseThrow();
        memory = KernelImageMemory.of(dump.memory(), info);
        long t0 = System.nanoTime();
        kallsyms = Kallsyms.read(memory, info);
        System.out.printf("kallsyms: %d symbols decoded from kdump-sysrq's ELF in %.1f ms (cold JVM)%n",
                kallsyms.size(), (System.nanoTime() - t0) / 1e6);
        map = SystemMap.read(ReferenceSymbols.systemMapPath());
    }

    @AfterAll
    static void close() {
        dump.close();
    }

    @Test
    void decodesEveryEntryOfTheKernelsTable() {
        long count = memory.u32(info.symbol("kallsyms_num_syms").getAsLong());
        assertThat(kallsyms.size()).isEqualTo(count).isGreaterThan(90_000);
        assertThat(kallsyms.origin()).isEqualTo("kallsyms in the dump");
    }

    @Test
    void fiftyRandomImageSymbolsResolveBothWaysAsSystemMapSays_seed20261116() {
        long slide = info.kernelOffset();
        long stext = map.symbols().stream().filter(s -> s.name().equals("_stext")).findFirst().orElseThrow().address();
        long end = map.symbols().stream().filter(s -> s.name().equals("_end")).findFirst().orElseThrow().address();
        var candidates = map.symbols().stream()
                .filter(s -> "TtDdBbRr".indexOf(s.type()) >= 0)
                .filter(s -> Long.compareUnsigned(s.address(), stext) >= 0 && Long.compareUnsigned(s.address(), end) <= 0)
                .filter(s -> !kallsyms.allNamed(s.name()).isEmpty())  // kallsyms lacks some System.map names
                .toList();
        assertThat(candidates).hasSizeGreaterThan(80_000);
        var random = new Random(20261116);
        var picked = new LinkedHashMap<String, Symbol>();
        while (picked.size() < 50) {
            var s = candidates.get(random.nextInt(candidates.size()));
            picked.putIfAbsent(s.name() + "@" + Long.toHexString(s.address()), s);
        }
        for (var s : picked.values()) {
            long runtime = s.address() + slide;
            assertThat(kallsyms.allNamed(s.name()))
                    .as("name -> address: %s (System.map %016x + KERNELOFFSET)", s.name(), s.address())
                    .anySatisfy(k -> {
                        assertThat(k.address()).isEqualTo(runtime);
                        assertThat(k.type()).isEqualTo(s.type());
                    });
            assertThat(kallsyms.startingAt(runtime)).as("address -> name at %016x", runtime)
                    .extracting(Symbol::name).contains(s.name());
            var at = kallsyms.symbolAt(runtime).orElseThrow();
            assertThat(at.offset()).isZero();
            assertThat(at.symbol().address()).isEqualTo(runtime);
        }
    }

    @Test
    void everyNameInBothAgreesWithSystemMapPlusKernelOffset() {
        long slide = info.kernelOffset();
        int compared = 0;
        var mismatches = new ArrayList<String>();
        for (var s : map.symbols()) {
            if ("TtDdBbRr".indexOf(s.type()) < 0 || s.address() >= 0) continue;  // image symbols only
            var inKallsyms = kallsyms.allNamed(s.name());
            if (inKallsyms.isEmpty()) continue;
            compared++;
            // a name repeated (static symbols of several files) must be found at each of its addresses
            if (inKallsyms.stream().noneMatch(k -> k.address() == s.address() + slide && k.type() == s.type()))
                mismatches.add("%s (%c): System.map+KERNELOFFSET %016x, kallsyms %s".formatted(s.name(), s.type(), s.address() + slide, inKallsyms));
        }
        System.out.printf("kallsyms: %d System.map image symbols compared, all at System.map+KERNELOFFSET with the same letter%n", compared);
        assertThat(mismatches).isEmpty();
        assertThat(compared).isGreaterThan(80_000);
    }

    @Test
    void crashSymOutputOfTheSysrqDumpMatches() {
        var expected = ReferenceSymbols.crashSyms(Fixtures.text("kdump-sysrq", "crash.txt"));
        assertThat(expected).extracting(ReferenceSymbols.CrashSym::name)
                .containsExactly("init_uts_ns", "init_task", "jiffies", "panic", "sysrq_handle_crash", "_stext");
        for (var e : expected) {
            var s = kallsyms.byName(e.name()).orElseThrow();
            assertThat(s.address()).as(e.command()).isEqualTo(e.address());
            assertThat(s.type()).as(e.command()).isEqualTo(e.type());
        }
    }

    @Test
    void perCpuSymbolsKeepTheirZeroBasedOffsets() {
        // CONFIG_KALLSYMS_ABSOLUTE_PERCPU: per-cpu symbols are stored as absolute offsets, not moved by KASLR
        assertThat(kallsyms.address("cpu_number")).hasValue(0x199e0L);
        assertThat(kallsyms.address("__per_cpu_end")).hasValue(0x35000L);
        assertThat(kallsyms.symbolAt(0x199e0 + 4).orElseThrow().format()).isEqualTo("cpu_number+4");
    }

    @Test
    void aliasesAtStextAnswerAsTheKernelOrdersThem() {
        var at = kallsyms.startingAt(0xffffffffb6a00000L);
        assertThat(at).extracting(Symbol::name).contains("_stext", "_text", "startup_64");
        assertThat(kallsyms.symbolAt(0xffffffffb7090915L).orElseThrow().format()).isEqualTo("sysrq_handle_crash+5");
    }

    @Test
    void refusesVmcoreinfoWithoutKallsymsEntries() {
        var without = VmcoreInfo.parse(info.text().lines().filter(l -> !l.contains("kallsyms")).reduce("", (a, b) -> a + b + "\n"));
        assertThat(Kallsyms.presentIn(without)).isFalse();
        assertThatThrownBy(() -> Kallsyms.read(memory, without))
                .isInstanceOf(JkdumpException.class)
                .hasMessageContaining("VMCOREINFO has no SYMBOL(kallsyms_names)")
                .hasMessageContaining("Linux 6.0 and later");
    }

    @Test
    void refusesAbsurdSymbolCount() {
        long at = info.symbol("kallsyms_num_syms").getAsLong();
        var patched = patched(at, new byte[]{(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f});
        assertThatThrownBy(() -> Kallsyms.read(patched, info))
                .hasMessage("kallsyms: kallsyms_num_syms at 0x%016x is 2147483647, not a symbol count (1 to 4000000)", at);
    }

    @Test
    void refusesNamesThatDoNotDecodeToTypeAndName() {
        long names = info.symbol("kallsyms_names").getAsLong();
        var patched = patched(names, new byte[]{0});
        assertThatThrownBy(() -> Kallsyms.read(patched, info))
                .hasMessage("kallsyms: symbol 0 at 0x%016x in kallsyms_names: token count 0 is not 1 to 512; "
                        + "the table is corrupt or uses an encoding this reader does not know", names);
    }

    @Test
    void refusesAddressTableThatDisagreesWithVmcoreinfo() {
        var moved = VmcoreInfo.parse(info.text().replace("SYMBOL(_stext)=ffffffffb6a00000", "SYMBOL(_stext)=ffffffffb6a01000"));
        assertThatThrownBy(() -> Kallsyms.read(memory, moved))
                .hasMessageStartingWith("kallsyms: the address table does not agree with VMCOREINFO")
                .hasMessageContaining("_stext at 0xffffffffb6a00000");
    }

    /** The dump's memory with {@code bytes} written over it at {@code at}. */
    private static KernelMemory patched(long at, byte[] bytes) {
        return (vaddr, dst, off, len) -> {
            memory.read(vaddr, dst, off, len);
            for (int i = 0; i < bytes.length; i++) {
                long a = at + i;
                if (a >= vaddr && a < vaddr + len) dst[off + (int) (a - vaddr)] = bytes[i];
            }
        };
    }
}
