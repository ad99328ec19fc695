package org.jkdump.kernel.symbols;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.Fixtures;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.AddressSpace;
import org.jkdump.kernel.KernelMemory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kallsyms from every fixture dump, with no vmlinux and no System.map: each format of
 * kdump-sysrq and kdump-oops-module's kdump-lzo (another boot, so another KASLR slide),
 * read both through the kernel-image mapping alone and through the page-table
 * {@link AddressSpace}; 50 seeded random image symbols must resolve both ways to System.map
 * plus that dump's KERNELOFFSET, and crash's {@code sym} lines of that dump must match.
 */
class KallsymsAcrossDumpsTest {
    private static final SystemMap MAP = SystemMap.read(ReferenceSymbols.systemMapPath());

    static Stream<Arguments> dumps() {
        return Stream.of(
                Arguments.of("kdump-sysrq/vmcore.elf", Fixtures.sysrqElf(), "kdump-sysrq"),
                Arguments.of("kdump-sysrq/vmcore.kdump-zlib", Fixtures.sysrq("vmcore.kdump-zlib"), "kdump-sysrq"),
                Arguments.of("kdump-sysrq/vmcore.kdump-lzo", Fixtures.sysrq("vmcore.kdump-lzo"), "kdump-sysrq"),
                Arguments.of("kdump-sysrq/vmcore.flat", Fixtures.sysrq("vmcore.flat"), "kdump-sysrq"),
                Arguments.of("kdump-oops-module/vmcore.kdump-lzo", Fixtures.oops("vmcore.kdump-lzo"), "kdump-oops-module"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dumps")
    void fiftyRandomImageSymbolsResolveBothWays_seed612(String name, Path file, String dir) {
        var map = MAP;
        try (var dump = DumpFiles.open(file)) {
            var info = dump.vmcoreinfo().orElseThrow();
            List<KernelMemory> readers = List.of(KernelImageMemory.of(dump.memory(), info), AddressSpace.kernel(dump));
            for (var memory : readers) {
                var kallsyms = Kallsyms.read(memory, info);
                checkFiftyRandom(map, kallsyms, info, name + " via " + memory.getClass().getSimpleName());
                for (var e : ReferenceSymbols.crashSyms(Fixtures.text(dir, "crash.txt"))) {
                    if (e.name().startsWith("jk_")) continue;  // a module symbol: not in the image's kallsyms
                    var s = kallsyms.byName(e.name()).orElseThrow();
                    assertThat(s.address()).as("%s: %s", name, e.command()).isEqualTo(e.address());
                    assertThat(s.type()).as("%s: %s", name, e.command()).isEqualTo(e.type());
                }
            }
        }
    }

    private static void checkFiftyRandom(SystemMap map, SymbolTable kallsyms, VmcoreInfo info, String what) {
        long slide = info.kernelOffset();
        long stext = first(map, "_stext"), end = first(map, "_end");
        var candidates = map.symbols().stream()
                .filter(s -> "TtDdBbRr".indexOf(s.type()) >= 0)
                .filter(s -> Long.compareUnsigned(s.address(), stext) >= 0 && Long.compareUnsigned(s.address(), end) <= 0)
                .filter(s -> !kallsyms.allNamed(s.name()).isEmpty())
                .toList();
        var random = new Random(612);
        var picked = new LinkedHashMap<String, Symbol>();
        while (picked.size() < 50) {
            var s = candidates.get(random.nextInt(candidates.size()));
            picked.putIfAbsent(s.name() + "@" + Long.toHexString(s.address()), s);
        }
        var wrong = new ArrayList<String>();
        for (var s : picked.values()) {
            long runtime = s.address() + slide;
            if (kallsyms.allNamed(s.name()).stream().noneMatch(k -> k.address() == runtime && k.type() == s.type()))
                wrong.add("name->address %s: want %016x, kallsyms has %s".formatted(s.name(), runtime, kallsyms.allNamed(s.name())));
            if (kallsyms.startingAt(runtime).stream().noneMatch(k -> k.name().equals(s.name())))
                wrong.add("address->name %016x: want %s, kallsyms has %s".formatted(runtime, s.name(), kallsyms.startingAt(runtime)));
        }
        assertThat(wrong).as(what).isEmpty();
    }

    private static long first(SystemMap map, String name) {
        return map.symbols().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow().address();
    }
}
