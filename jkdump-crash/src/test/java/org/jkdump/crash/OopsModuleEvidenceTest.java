package org.jkdump.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import org.jkdump.format.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 4's evidence on kdump-oops-module (an oops in the out-of-tree module jkcrash): our
 * commands, given nothing but the dump, against crash 8.0.6's output with the debug vmlinux.
 * Module symbols come from each module's own kallsyms in the dump.
 */
class OopsModuleEvidenceTest {
    static CrashRun shell;
    static CrashTranscript crash;

    @BeforeAll
    static void open() {
        shell = new CrashRun(Fixtures.oops("vmcore.kdump-lzo"));
        crash = CrashTranscript.of("kdump-oops-module");
    }

    @AfterAll
    static void close() {
        shell.close();
    }

    static List<String> run(String command) {
        return shell.ok(command);
    }

    @Test
    void sysMatchesCrashFieldByFieldIncludingTheTaint() {
        var ours = new LinkedHashMap<>(CrashTranscript.keyValues(run("sys")));
        var theirs = new LinkedHashMap<>(CrashTranscript.keyValues(crash.section("sys").lines()));
        // KERNEL names the vmlinux crash was given (we had none) but both say the kernel is tainted
        assertThat(ours.remove("KERNEL")).endsWith("[TAINTED]");
        assertThat(theirs.remove("KERNEL")).endsWith("[TAINTED]");
        theirs.remove("DUMPFILE");
        CrashTranscript.assertSameFields("sys", ours, theirs);
    }

    @Test
    void symFindsTheModuleFunctionByName() {
        CrashTranscript.assertSameLines("sym jk_write", run("sym jk_write").stream().map(String::strip).toList(),
                crash.section("sym jk_write").lines().stream().map(String::strip).toList());
    }

    @Test
    void symNamesTheModuleForAnAddressInside() {
        assertThat(run("sym ffffffffc05740ca")).containsExactly("ffffffffc05740ca (t) jk_write+202 [jkcrash]");
    }

    @Test
    void modMatchesNameBaseAndSizeWithTheOutOfTreeModule() {
        CrashTranscript.assertSameLines("mod", run("mod"), crash.section("mod").lines());
    }

    @Test
    void btThroughTheModuleFrameIsIdentical() {
        CrashTranscript.assertSameLines("bt", run("bt"), crash.section("bt").lines());
    }

    @Test
    void analyzeSignsTheOopsByTheModuleFunctionAndItsCallers() {
        var a = Analyzer.analyze(shell.session());
        assertThat(a.oopsLine()).hasValueSatisfying(l -> assertThat(l).startsWith("BUG: kernel NULL pointer dereference"));
        // the frames start at the function the page fault interrupted, past the exception frame
        assertThat(a.signature().frames()).containsExactly("jk_write [jkcrash]", "proc_reg_write", "vfs_write", "ksys_write", "do_syscall_64");
        assertThat(a.taintingModules()).extracting(Analysis.TaintingModule::name).containsExactly("jkcrash");
    }

    @Test
    void logIsIdentical() {
        CrashTranscript.assertSameLines("log", run("log"), crash.section("log").lines());
    }
}
