package org.jkdump.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.Fixtures;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The crash signature across dumps made by ../shared/vm: the same crash (sysrq) gives the
 * same signature in the fixture and in a second, independent run; a BUG, a panic from a
 * module and an oops each give another. The runs live under /var/cache/jkdump-vm/runs; a
 * missing one is made again with run-crash-vm.sh (several minutes under QEMU/TCG), and a
 * run that still cannot be made fails the test. Tagged "vm": Maven runs it in
 * {@code verify}, not in {@code test}.
 */
@Tag("vm")
class AnalyzeSignatureVmTest {
    /** The run's kdump-lzo dump, made first when missing (arguments as make-runs.sh gives them). */
    private static Path run(String name, String... args) throws IOException, InterruptedException {
        return VmRuns.dump(name, args);
    }

    private static Analysis analyze(Path dump) {
        try (var s = new Session(DumpFiles.open(dump))) {
            return Analyzer.analyze(s);
        }
    }

    @Test
    void sameCrashTwiceHasOneSignatureAndOtherCrashesOthers() throws Exception {
        var fixture = analyze(Fixtures.sysrq("vmcore.kdump-lzo"));
        var again = analyze(run("sysrq2", "--crash", "sysrq"));
        var bug = analyze(run("bug", "--crash", "bug", "--no-rawcopy"));
        var panic = analyze(run("panic", "--crash", "panic", "--no-rawcopy"));
        var oops = analyze(Fixtures.oops("vmcore.kdump-lzo"));

        assertThat(fixture.panicMessage()).contains("sysrq triggered crash");
        assertThat(again.panicMessage()).contains("sysrq triggered crash");
        assertThat(again.signature()).isEqualTo(fixture.signature());

        assertThat(bug.oopsLine()).hasValueSatisfying(l -> assertThat(l).startsWith("kernel BUG at "));
        assertThat(panic.panicMessage()).contains("panic requested through /proc/jkcrash");
        assertThat(oops.function()).hasValueSatisfying(f -> assertThat(f).startsWith("jk_write"));
        assertThat(List.of(fixture, bug, panic, oops)).extracting(a -> a.signature().hash()).doesNotHaveDuplicates();
    }
}
