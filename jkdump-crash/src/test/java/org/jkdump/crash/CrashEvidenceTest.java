package org.jkdump.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jkdump.format.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 4's evidence on kdump-sysrq: our commands, given nothing but the dump, against what
 * crash 8.0.6 printed with the debug vmlinux (crash.txt), field by field.
 */
class CrashEvidenceTest {
    static CrashRun shell;
    static CrashTranscript crash;

    @BeforeAll
    static void open() {
        shell = new CrashRun(Fixtures.sysrq("vmcore.kdump-zlib"));
        crash = CrashTranscript.of("kdump-sysrq");
    }

    @AfterAll
    static void close() {
        shell.close();
    }

    static List<String> run(String command) {
        return shell.ok(command);
    }

    @Test
    void sysMatchesCrashFieldByField() {
        var ours = CrashTranscript.keyValues(run("sys"));
        var theirs = new java.util.LinkedHashMap<>(CrashTranscript.keyValues(crash.section("sys").lines()));
        // KERNEL names the vmlinux crash was given; we had none. DUMPFILE names another file of the same dump.
        assertThat(ours.get("KERNEL")).doesNotContain("[TAINTED]");
        theirs.remove("KERNEL");
        theirs.remove("DUMPFILE");
        CrashTranscript.assertSameFields("sys", ours, theirs);
    }

    @Test
    void psMatchesEveryRow() {
        var ours = CrashTranscript.rows(run("ps"), 1);
        var theirs = CrashTranscript.rows(crash.section("ps").lines(), 1);
        assertThat(ours).hasSameSizeAs(theirs);
        var mismatches = new ArrayList<String>();
        for (int i = 0; i < theirs.size(); i++) if (!ours.get(i).equals(theirs.get(i)))
            mismatches.add("crash:  " + theirs.get(i) + "\n  jkdump: " + ours.get(i));
        assertThat(mismatches).as("ps rows that differ").isEmpty();
    }

    @Test
    void psParentsMatch() {
        CrashTranscript.assertSameLines("ps -p", run("ps -p"), crash.section("ps -p").lines());
    }

    @Test
    void modMatchesNameBaseAndSize() {
        CrashTranscript.assertSameLines("mod", run("mod"), crash.section("mod").lines());
    }

    @Test
    void logIsIdentical() {
        CrashTranscript.assertSameLines("log", run("log"), crash.section("log").lines());
    }

    @Test
    void kmemInfoMatchesEveryLine() {
        CrashTranscript.assertSameLines("kmem -i", run("kmem -i"), crash.section("kmem -i").lines());
    }

    @Test
    void filesOfTheMarkerProcessMatchWithPaths() {
        // paths cross the devtmpfs mount at /dev and the data disk at /data
        CrashTranscript.assertSameLines("files 143", run("files 143"), crash.section("files 143").lines());
    }

    @Test
    void vmOfTheMarkerProcessWalksTheMapleTreeLikeCrash() {
        CrashTranscript.assertSameLines("vm 143", run("vm 143"), crash.section("vm 143").lines());
    }

    @Test
    void vtopOfAUserAddressWalksTheTasksPageTables() {
        // crash.full-elf.txt comes from the run this fixture was made from; user pages are gone
        // from the fixture (-d 31) but the page tables and struct pages are kernel memory
        var full = CrashTranscript.of("kdump-sysrq").file().resolveSibling("crash.full-elf.txt");
        var theirs = CrashTranscript.parse(full, Fixtures.text("kdump-sysrq", "crash.full-elf.txt")).section("vtop -c 143 0x400000");
        CrashTranscript.assertSameLines("vtop -c 143 0x400000", run("vtop -c 143 0x400000"), theirs.lines());
    }

    @Test
    void searchOfUserSpaceFindsNothingWhenTheDumpHasNoUserPages() {
        try {
            run("set 143");
            assertThat(run("search -u -c JKDUMP-MARKER")).isEqualTo(crash.section("search -u -c JKDUMP-MARKER").lines()).isEmpty();
        } finally {
            run("set -p");
        }
    }

    @Test
    void foreachBtOverEveryTaskIsIdentical() {
        CrashTranscript.assertSameLines("foreach bt", run("foreach bt"), crash.section("foreach bt").lines());
    }

    @Test
    void foreachSelectsTasksByNameStateAndKindAndKeepsTheContext() {
        CrashTranscript.assertSameLines("foreach markerproc files", run("foreach markerproc files"), crash.section("files 143").lines());
        var running = run("foreach RU task -R pid").stream().filter(l -> l.startsWith("PID:")).toList();
        assertThat(running).hasSize(3).allMatch(l -> l.contains("swapper/") || l.contains("\"init\""));
        assertThat(run("foreach user vm").stream().filter(l -> l.startsWith("PID:")).count())
                .isEqualTo(run("ps -u").size() - 1);
        assertThat(run("set").getFirst()).isEqualTo("    PID: 1");
    }

    @Test
    void kmemSlabSummaryMatchesEveryCache() {
        // ALLOCATED needs every cpu slab's lockless freelist, decoded through the hardened pointers
        CrashTranscript.assertSameLines("kmem -s", run("kmem -s"), crash.section("kmem -s").lines());
    }

    @Test
    void setChangesTheContextAndShowsItAsCrash() {
        try {
            CrashTranscript.assertSameLines("set 143", run("set 143"), crash.section("set 143").lines());
            assertThat(run("bt").getFirst()).startsWith("PID: 143 ");
            CrashTranscript.assertSameLines("set -p", run("set -p"), crash.section("set -p").lines());
        } finally {
            run("set -p");
        }
    }

    @Test
    void btOfThePanicTaskAndOfEveryCpuIsIdentical() {
        CrashTranscript.assertSameLines("bt", run("bt"), crash.section("bt").lines());
        CrashTranscript.assertSameLines("bt -a", run("bt -a"), crash.section("bt -a").lines());
    }

    @Test
    void analyzeReportsTheSysrqPanicAndTask() {
        var a = Analyzer.analyze(shell.session());
        assertThat(a.panicMessage()).contains("sysrq triggered crash");
        assertThat(a.function()).contains("sysrq_handle_crash");
        assertThat(a.task()).hasValueSatisfying(t -> {
            assertThat(t.pid()).isEqualTo(1);
            assertThat(t.comm()).isEqualTo("init");
        });
        assertThat(a.panicCpu()).isEqualTo(1);
        // the report's backtrace is bt's, and the signature hashes its crash site past the kexec path
        CrashTranscript.assertSameLines("analyze backtrace", a.backtrace(), crash.section("bt").lines());
        assertThat(a.signature().frames()).containsExactly("sysrq_handle_crash", "__handle_sysrq.cold", "write_sysrq_trigger",
                "proc_reg_write", "vfs_write");
    }
}
