package org.jkdump.kernel.unwind;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.Fixtures;
import org.jkdump.kernel.Kernel;
import org.jkdump.kernel.symbols.KernelSymbols;
import org.junit.jupiter.api.Test;

/**
 * The panicking CPU of kdump-sysrq unwound from the dump alone — kallsyms and the ORC tables
 * read from its memory, the registers of its NT_PRSTATUS note — against crash's {@code bt}
 * (made with the debug vmlinux): every frame's slot, function and pc, and the user-mode
 * registers at the bottom.
 */
class UnwinderFixtureTest {
    private static final Pattern FRAME = Pattern.compile("^\\s*#\\d+ \\[([0-9a-f]{16})\\] (\\S+) at ([0-9a-f]{16})");
    private static final Pattern REG = Pattern.compile("([A-Z0-9_]+): ([0-9a-f]+)");

    @Test
    void panicCpuBacktraceMatchesCrash() {
        try (var dump = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-zlib"))) {
            var memory = Kernel.open(dump).memory();
            var symbols = KernelSymbols.load(memory, dump.vmcoreinfo().orElseThrow(), Optional.empty());
            var orc = Orc.of(memory, KernelUnwinder.vmlinuxTable(symbols), List.of());
            assertThat(orc.format()).as("6.1 uses the type:2 end:1 layout").isEqualTo(OrcFormat.END_BIT);
            var unwinder = new Unwinder(orc, new TextSymbols(symbols, List.of()));
            // fixtures/README.md: init (pid 1) crashed the kernel through sysrq on CPU 1
            var regs = dump.cpuStates().get(1).registers();
            long stack = regs.rsp() & -16384L;   // task stacks are THREAD_SIZE (16 KiB) aligned

            var bt = unwinder.fromCrashRegisters(regs, Stacks.of(new StackRange(StackRange.Kind.TASK, "process", stack, stack + 16384)));

            var crash = crashSection("bt");
            var expected = new ArrayList<String>();
            for (var l : crash) {
                var m = FRAME.matcher(l);
                if (m.find()) expected.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
            }
            var actual = bt.frames().stream().map(f -> String.format("%016x %s %016x", f.slot(),
                    f.function().map(CodeSymbol::name).orElse("?"), f.pc())).toList();
            assertThat(actual).isEqualTo(expected);
            assertThat(bt.complete()).isTrue();

            var user = bt.exceptionFrames().getLast();
            assertThat(user.userMode()).isTrue();
            var ours = new LinkedHashMap<String, Long>();
            user.registers().asMap().forEach((k, v) -> ours.put(k.toUpperCase().replace("EFLAGS", "RFLAGS"), v));
            var theirs = registers(crash);
            assertThat(theirs).hasSize(PtRegs.SLOTS);
            theirs.forEach((k, v) -> assertThat(ours.get(k)).as(k).isEqualTo(v));
        }
    }

    static List<String> crashSection(String cmd) {
        var text = Fixtures.text("kdump-sysrq", "crash.txt");
        int s = text.indexOf("### CMD: " + cmd + "\n") + ("### CMD: " + cmd + "\n").length();
        return text.substring(s, text.indexOf("### CMD:", s)).lines().toList();
    }

    static Map<String, Long> registers(List<String> lines) {
        var m = new LinkedHashMap<String, Long>();
        for (var l : lines) {
            if (FRAME.matcher(l).find() || l.startsWith("PID:")) continue;
            var r = REG.matcher(l);
            while (r.find()) m.put(r.group(1), Long.parseUnsignedLong(r.group(2), 16));
        }
        return m;
    }
}
