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
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fixed sample of the damaged-dump campaign ({@code bench/fuzz-inputs.sh}) run on every
 * build: mutants of the real kdump-zlib and oops-module kdump-lzo dumps, each given to
 * info, dmesg, analyze, crash and collect through the CLI entry point. Each run must end
 * with status 0 or 1, one message naming the file, no stack trace or OutOfMemoryError, and
 * within its time bound (see {@link Verdict}).
 */
class DamagedDumpsTest {
    /** The campaign's seed and how many of its mutants run here (the script runs thousands). */
    static final long SEED = 1;
    static final int MUTANTS = 16;

    @TempDir
    static Path work;
    static DumpMutator mutator;

    @BeforeAll
    static void layouts() {
        mutator = new DumpMutator(List.of(
                FixtureLayout.of("sysrq.kdump-zlib", Fixtures.sysrq("vmcore.kdump-zlib")),
                FixtureLayout.of("oops.kdump-lzo", Fixtures.oops("vmcore.kdump-lzo"))), SEED);
    }

    @TestFactory
    Stream<DynamicTest> damagedDumpsFailWithOneMessage() {
        return IntStream.range(0, MUTANTS).mapToObj(mutator::mutant).map(m -> DynamicTest.dynamicTest(m.toString(), () -> {
            var failed = FuzzCampaign.runMutant(m, work, FuzzCampaign.COMMANDS, FuzzCampaign::inProcess, 30, new LinkedHashMap<>());
            assertThat(failed).as("runs that broke the bad-input rule").isEmpty();
        }));
    }
}
