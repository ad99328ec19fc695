package org.jkdump.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CrashTranscriptTest {
    @Test
    void splitsTheSysrqTranscriptIntoItsCommands() {
        var t = CrashTranscript.of("kdump-sysrq");
        assertThat(t.sections()).extracting(CrashTranscript.Section::command)
                .contains("sys", "log", "ps", "mod", "kmem -i", "p init_uts_ns", "files 143", "vm 143", "sym panic");
        var sys = CrashTranscript.keyValues(t.section("sys").lines());
        assertThat(sys).containsEntry("RELEASE", "6.1.0-56-amd64").containsEntry("TASKS", "60")
                .containsEntry("PANIC", "\"Kernel panic - not syncing: sysrq triggered crash\"");
        assertThat(t.section("search -u -c JKDUMP-MARKER").lines()).isEmpty();
    }

    @Test
    void readsTheOopsTranscript() {
        var t = CrashTranscript.of("kdump-oops-module");
        assertThat(CrashTranscript.keyValues(t.section("sys").lines())).containsEntry("KERNEL", "vmlinux-6.1.0-56-amd64  [TAINTED]");
        assertThat(CrashTranscript.rows(t.section("mod").lines(), 1)).anySatisfy(r -> assertThat(r.get(1)).isEqualTo("jkcrash"));
    }

    @Test
    void fieldMismatchNamesBothSides() {
        assertThatThrownBy(() -> CrashTranscript.assertSameFields("sys", Map.of("CPUS", "1"), Map.of("CPUS", "2")))
                .hasMessageContaining("crash says \"2\", jkdump says \"1\"");
    }

    @Test
    void lineMismatchShowsBothLines() {
        assertThatThrownBy(() -> CrashTranscript.assertSameLines("log", List.of("a", "b"), List.of("a", "c")))
                .hasMessageContaining("line 2").hasMessageContaining("crash:  c").hasMessageContaining("jkdump: b");
        assertThatThrownBy(() -> CrashTranscript.assertSameLines("log", List.of("a"), List.of("a", "c")))
                .hasMessageContaining("crash has 2 lines, jkdump 1");
    }

    @Test
    void unknownSectionFailsTheTest() {
        var t = CrashTranscript.parse(Path.of("x"), "### CMD: sys\n  CPUS: 2\n");
        assertThatThrownBy(() -> t.section("ps")).isInstanceOf(AssertionError.class);
    }
}
