package org.jkdump.crash.commands;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jkdump.crash.CrashRun;
import org.jkdump.crash.CrashTranscript;
import org.jkdump.crash.Interpreter;
import org.jkdump.format.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * sym, rd, vtop, ptov and set on kdump-sysrq's kdump-zlib dump with nothing but the dump,
 * against crash 8.0.6 with the debug vmlinux on the same file: the fixture's crash.txt and
 * src/test/resources/crash/sysrq-memory.txt (made by make-sysrq-memory.sh next to it).
 */
class MemoryCommandsTest {
    private static CrashRun crash;
    private static CrashTranscript fixture;
    private static CrashTranscript memory;

    @BeforeAll
    static void open() throws IOException {
        crash = new CrashRun(Fixtures.sysrq("vmcore.kdump-zlib"));
        fixture = CrashTranscript.of("kdump-sysrq");
        var path = Path.of("src/test/resources/crash/sysrq-memory.txt");
        memory = CrashTranscript.parse(path, Files.readString(path, StandardCharsets.UTF_8));
    }

    @AfterAll
    static void close() {
        crash.close();
    }

    private static List<String> ours(String command) {
        var o = crash.run(command);
        assertThat(o.err()).as("stderr of %s", command).isEmpty();
        assertThat(o.outcome()).isEqualTo(Interpreter.Outcome.OK);
        return o.lines();
    }

    @Test
    void rdPrintsEveryLayoutAsCrashDoes() {
        var rd = memory.sections().stream().filter(s -> s.command().startsWith("rd ")).toList();
        assertThat(rd).hasSizeGreaterThanOrEqualTo(18);
        for (var s : rd) CrashTranscript.assertSameLines(s.command(), ours(s.command()), s.lines());
    }

    @Test
    void ptovGivesTheDirectMapAddressesCrashGives() {
        var s = memory.section("ptov 31bfb000 1203080");
        CrashTranscript.assertSameLines(s.command(), ours(s.command()), s.lines());
    }

    @Test
    void vtopWalksAsCrashShowsIt() {
        for (var s : List.of(fixture.section("vtop ffffffffb85fb000"), fixture.section("vtop ffff8efe81203080"),
                memory.section("vtop ffffffffb7401cb5"), memory.section("vtop ffff8efeb1bfb000"),
                memory.section("vtop ffffffffc0574000"))) {
            // every line, the struct page's INDEX and flag names (BTF's enum pageflags) included
            CrashTranscript.assertSameLines(s.command(), ours(s.command()), s.lines());
        }
    }

    @Test
    void symByNameGivesCrashsAddressAndType() {
        for (var name : List.of("init_uts_ns", "init_task", "jiffies", "panic", "sysrq_handle_crash", "_stext")) {
            var theirs = fixture.section("sym " + name).lines();
            // crash goes on with the source file and line from the vmlinux's DWARF
            assertThat(theirs.getFirst() + " ").as("sym " + name).startsWith(ours("sym " + name).getFirst() + " ");
        }
    }

    @Test
    void symByAddressGivesSymbolAndOffset() {
        var theirs = memory.section("sym ffffffffb7401cb5").lines().getFirst();
        assertThat(ours("sym ffffffffb7401cb5")).singleElement().satisfies(l -> assertThat(theirs).startsWith(l + " "));
        var zero = crash.run("sym 0");
        assertThat(zero.out()).isEmpty();
        assertThat(zero.err().strip()).isEqualTo(memory.section("sym 0").lines().getFirst());
    }

    @Test
    void symQueryFindsWhatCrashFindsInKallsyms() {
        var theirs = memory.section("sym -q uts_ns").lines();
        var ours = ours("sym -q uts_ns");
        assertThat(theirs).containsAll(ours);
        // kallsyms leaves out the export tables' __crc_/__kstrtab* entries the vmlinux has
        assertThat(ours).containsAll(theirs.stream().filter(l -> !l.contains("(r) __crc_") && !l.contains("(r) __kstrtab")).toList());
        assertThat(crash.run("sym -q no_such_symbol_anywhere").out()).isEqualTo("(none found)\n");
    }

    @Test
    void setRadixAnswersAsCrashAndJsonSwitchesTheRendering() {
        CrashTranscript.assertSameLines("set radix 16", ours("set radix 16"), memory.section("set radix 16").lines());
        CrashTranscript.assertSameLines("set radix 10", ours("set radix 10"), memory.section("set radix 10").lines());
        // the answer to "set json on" is itself already JSON
        assertThat(String.join("\n", ours("set json on"))).contains("\"json\" : \"on\"");
        try {
            var json = String.join("\n", ours("sym panic"));
            assertThat(json).contains("\"name\" : \"panic\"").contains("\"type\" : \"T\"");
        } finally {
            ours("set json off");
        }
        assertThat(ours("sym panic").getFirst()).startsWith("ffffffffb7401cb0 (T) panic");
    }

    @Test
    void badAddressesFailWithOneMessage() {
        var missing = crash.run("sym no_such_symbol");
        assertThat(missing.outcome()).isEqualTo(Interpreter.Outcome.FAILED);
        assertThat(missing.err()).startsWith("sym: symbol not found: no_such_symbol\npossible alternatives:\n  (none found)");
        var rd = crash.run("rd -p 7fffffff000 1");
        assertThat(rd.outcome()).isEqualTo(Interpreter.Outcome.FAILED);
        assertThat(rd.err()).startsWith("rd: ").contains("7fffffff000").doesNotContain("Exception");
        var vtop = crash.run("vtop 0");
        assertThat(vtop.outcome()).isEqualTo(Interpreter.Outcome.FAILED);
        assertThat(crash.run("rd -s -32 jiffies").err()).contains("-s option is only allowed with 64-bit display");
    }
}
