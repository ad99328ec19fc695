package org.jkdump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The end-to-end drill, run the way CI runs it: {@code bin/jkdump drill --yes} with no
 * standard input. Boots QEMU (minutes under TCG), so it runs in the integration-test phase
 * of {@code mvn verify} (bin/test), after the package phase has built the jar it runs.
 */
@Tag("drill")
class DrillIT {
    private static final Path ROOT = Path.of(System.getProperty("jkdump.root", ".."));

    @ParameterizedTest(name = "--crash {0}")
    @CsvSource(delimiter = '|', value = {
            "sysrq|Kernel panic - not syncing: sysrq triggered crash|sysrq: Trigger a crash",
            "oops|BUG: kernel NULL pointer dereference|RIP: 0010:drill_crash",
    })
    void drillReportsThePanicAndTheProcessesItStarted(String crash, String panic, String function) throws Exception {
        Path out = Files.createTempFile("drill-" + crash, ".out");
        Path err = Files.createTempFile("drill-" + crash, ".err");
        var p = new ProcessBuilder(ROOT.resolve("bin/jkdump").toString(), "drill", "--yes", "--crash", crash)
                .directory(ROOT.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(30, TimeUnit.MINUTES)).as("the drill finished within 30 minutes").isTrue();
        String report = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("exit status; stderr:%n%s", tail(err)).isZero();
        assertThat(report).contains("panic:").contains(panic).contains(function);
        assertThat(report).contains("status=ok");
        // the processes the drill's /init started, with their pids from the guest console
        var marker = Pattern.compile("drill-marker +pid (\\d+) .*heap marker found \\d+ times").matcher(report);
        assertThat(marker.find()).as("report names drill-marker found in the dump:%n%s", report).isTrue();
        assertThat(report).containsPattern("sleep +pid \\d+ +31337").containsPattern("sleep +pid \\d+ +42424");
        for (String phase : List.of("boot-first-kernel", "arm (jkdump load)", "crash-and-capture-kernel-boot", "capture (jkdump capture)"))
            assertThat(report).containsPattern(Pattern.quote(phase) + " +\\d+\\.\\d s");
    }

    private static String tail(Path file) throws IOException {
        var lines = Files.readAllLines(file);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
