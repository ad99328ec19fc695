package org.jkdump.cli.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jkdump.format.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fixed sample of the damaged-dump campaign ({@code bench/fuzz-inputs.sh}) run on every
 * build: mutants of the real kdump-zlib, flattened and oops-module kdump-lzo dumps, each given to
 * info, dmesg, analyze, crash and collect through the CLI entry point. Each run must end
 * with status 0 or 1, one message naming the file, no stack trace or OutOfMemoryError, and
 * within its time bound (see {@link Verdict}).
 */
class DamagedDumpsTest {
    /** The campaign's seed and how many of its mutants run here (the script runs thousands). */
    static final long SEED = 1;
    static final int MUTANTS = 18;

    @TempDir
    static Path work;
    static FixtureLayout zlib, oops;
    static DumpMutator mutator;

    @BeforeAll
    static void layouts() {
        zlib = FixtureLayout.of("sysrq.kdump-zlib", Fixtures.sysrq("vmcore.kdump-zlib"));
        oops = FixtureLayout.of("oops.kdump-lzo", Fixtures.oops("vmcore.kdump-lzo"));
        mutator = new DumpMutator(List.of(zlib, oops, FixtureLayout.of("sysrq.flat", Fixtures.sysrq("vmcore.flat"))), SEED);
    }

    static byte[] le32(int v) {
        return java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /**
     * The failures the campaign found, one mutant per class, replayed on every build: each broke
     * the rule before its fix (a hang, an internal error, an unnamed file, an OutOfMemoryError).
     */
    static Stream<DumpMutant> regressions() {
        return Stream.of(
                // PageMap looped backwards for ever (analyze, kmem -i) on a negative struct page size
                DumpMutator.vmcoreinfo(1001, zlib, "SIZE(page)", "-9"),
                // ... divided by zero on a zero one; collect indexed chunks of nothing
                DumpMutator.vmcoreinfo(1002, oops, "SIZE(page)", "0"),
                // collect read struct page members outside struct page
                DumpMutator.vmcoreinfo(1003, zlib, "OFFSET(page.mapping)", "99"),
                DumpMutator.vmcoreinfo(1004, zlib, "OFFSET(page._refcount)", "-1"),
                // a kallsyms error named no file
                DumpMutator.kernelData(1005, zlib, "kallsyms_num_syms", 0, le32(-1)),
                // the printk ring's count_bits sized a 940 MB read before any page was looked at
                DumpMutator.kernelData(1006, oops, "*(prb+0)", 0, le32(23)),
                // a module whose list.next points to itself: its symbols were read 65536 times (OutOfMemoryError)
                DumpMutator.selfPointer(1007, zlib, "module.list.next"),
                // a timekeeper page from elsewhere: a wall-clock time no date can hold (DateTimeException)
                new DumpMutator(List.of(zlib), 2).mutant(280, zlib));
    }

    @TestFactory
    Stream<DynamicTest> failuresTheCampaignFoundStayFixed() {
        return regressions().map(m -> DynamicTest.dynamicTest(m.toString(), () -> {
            var failed = FuzzCampaign.runMutant(m, work, FuzzCampaign.COMMANDS, FuzzCampaign::inProcess, 30, new LinkedHashMap<>());
            assertThat(failed).as("runs that broke the bad-input rule").isEmpty();
        }));
    }

    /** A module list that loops: analyze still reports the panic, and names what it could not read. */
    @Test
    void analyzeReportsTheRestWhenTheModuleListIsUnreadable() {
        var dump = work.resolve("module-loop.kdump");
        DumpMutator.selfPointer(1007, zlib, "module.list.next").write(dump);
        var r = FuzzCampaign.inProcess(List.of("analyze", dump.toString()), 30);
        assertThat(r.status()).as("status; stderr: %s", r.err()).isZero();
        assertThat(r.out()).contains("PANIC:     Kernel panic - not syncing: sysrq triggered crash", "BACKTRACE:")
                .containsPattern("UNREADABLE: module list: .+");
    }

    @TestFactory
    Stream<DynamicTest> damagedDumpsFailWithOneMessage() {
        return IntStream.range(0, MUTANTS).mapToObj(mutator::mutant).map(m -> DynamicTest.dynamicTest(m.toString(), () -> {
            var failed = FuzzCampaign.runMutant(m, work, FuzzCampaign.COMMANDS, FuzzCampaign::inProcess, 30, new LinkedHashMap<>());
            assertThat(failed).as("runs that broke the bad-input rule").isEmpty();
        }));
    }
}
