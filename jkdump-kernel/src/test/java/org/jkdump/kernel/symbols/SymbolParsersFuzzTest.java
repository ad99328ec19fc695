package org.jkdump.kernel.symbols;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.Arrays;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.MappedSource;

/**
 * Hostile input for every symbol parser: System.map text, a vmlinux's ELF bytes and the
 * kallsyms tables in dump memory. Whatever the bytes, a parser either returns or throws a
 * {@link JkdumpException} with a message; anything else (an index out of bounds, a hang,
 * running out of memory) is a bug. The seed corpus under src/test/resources runs in every
 * build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class SymbolParsersFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void systemMapFailsOnlyWithAMessage(byte[] text) {
        try {
            SystemMap.parse(Path.of("fuzz.map"), text);
        } catch (JkdumpException e) {
            requireMessage(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void vmlinuxFailsOnlyWithAMessage(byte[] elf) {
        try (var src = MappedSource.of("fuzz-vmlinux", elf)) {
            VmlinuxSymbols.read(Path.of("fuzz-vmlinux"), src);
        } catch (JkdumpException e) {
            requireMessage(e);
        }
    }

    /** A 64 KiB kernel image whose bytes come from the fuzzer, the kallsyms tables where {@link TestKallsyms} puts them. */
    @FuzzTest(maxDuration = "30s")
    void kallsymsFailsOnlyWithAMessage(byte[] bytes) {
        var image = Arrays.copyOf(bytes, TestKallsyms.SIZE);
        try {
            Kallsyms.read(TestKallsyms.memory(image), TestKallsyms.vmcoreinfo(TestKallsyms.Encoding.ABSOLUTE_PERCPU));
        } catch (JkdumpException e) {
            requireMessage(e);
        }
    }

    private static void requireMessage(JkdumpException e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) throw new AssertionError("exception without a message", e);
    }
}
