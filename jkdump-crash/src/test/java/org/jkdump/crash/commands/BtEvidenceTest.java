package org.jkdump.crash.commands;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.jkdump.crash.CrashTranscript;
import org.jkdump.format.DumpFile;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.Fixtures;
import org.jkdump.kernel.Kernel;
import org.jkdump.kernel.KernelMemory;
import org.jkdump.kernel.Types;
import org.jkdump.kernel.btf.Btf;
import org.jkdump.kernel.symbols.KernelSymbols;
import org.jkdump.kernel.unwind.BtfTypeLayouts;
import org.jkdump.kernel.unwind.KernelUnwinder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * bt, bt -a and foreach bt on every fixture dump, against what crash 8.0.6 printed with the
 * debug vmlinux: the same text, line for line — function, offset (the pc), frame address,
 * exception frames and their registers, stack switches, user-mode entry registers. jkdump
 * reads only the dump: kallsyms, BTF and ORC from its memory; no vmlinux, no System.map.
 */
class BtEvidenceTest {
    static Stream<Arguments> dumps() {
        return Stream.of(
                Arguments.of("kdump-sysrq", Fixtures.sysrqElf()),
                Arguments.of("kdump-sysrq", Fixtures.sysrq("vmcore.kdump-zlib")),
                Arguments.of("kdump-sysrq", Fixtures.sysrq("vmcore.kdump-lzo")),
                Arguments.of("kdump-sysrq", Fixtures.sysrq("vmcore.flat")),
                Arguments.of("kdump-oops-module", Fixtures.oops("vmcore.kdump-lzo")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dumps")
    void backtracesMatchCrash(String dir, Path file) {
        var crash = CrashTranscript.of(dir);
        try (var dump = DumpFiles.open(file)) {
            var ctx = FixtureBt.of(dump);
            for (var cmd : List.of("bt", "bt -a", "foreach bt")) {
                var section = crash.sections().stream().filter(s -> s.command().equals(cmd)).findFirst();
                if (section.isEmpty()) continue;   // kdump-oops-module's crash.cmds ran only bt
                var result = cmd.equals("foreach bt") ? Bt.forEach(ctx, BtOptions.parse(List.of()))
                        : Bt.run(ctx, BtOptions.parse(cmd.equals("bt -a") ? List.of("-a") : List.of()));
                var text = new StringWriter();
                Bt.renderText(result, new PrintWriter(text, true));
                assertThat(text.toString().stripTrailing()).as("%s on %s", cmd, file).isEqualTo(section.get().text().stripTrailing());
            }
        }
    }

    /**
     * The module oops: the fault's registers name jk_write in module jkcrash; the walk goes
     * through jkcrash's own ORC table (not a guess) into proc_reg_write and on to the syscall
     * entry's user registers. Only the frame above __crash_kexec, which objtool leaves
     * without ORC in 6.1, is found by scanning.
     */
    @org.junit.jupiter.api.Test
    void oopsUnwindsThroughModuleOrcIntoSyscallEntry() {
        try (var dump = DumpFiles.open(Fixtures.oops("vmcore.kdump-lzo"))) {
            var trace = Bt.run(FixtureBt.of(dump), BtOptions.parse(List.of())).tasks().getFirst();
            var exceptions = trace.lines().stream().filter(BtLine.ExceptionLine.class::isInstance).map(BtLine.ExceptionLine.class::cast).toList();
            assertThat(exceptions).hasSize(2);
            assertThat(exceptions.getFirst().rip()).contains("jk_write+202");
            assertThat(exceptions.getLast().userMode()).isTrue();
            assertThat(exceptions.getLast().registers().get("orig_rax")).as("write(2)").isEqualTo(1L);
            var frames = trace.lines().stream().filter(BtLine.FrameLine.class::isInstance).map(BtLine.FrameLine.class::cast).toList();
            assertThat(frames).filteredOn(f -> !f.reliable()).extracting(f -> f.function().orElseThrow()).containsExactly("crash_kexec");
            assertThat(frames.getLast().function()).contains("entry_SYSCALL_64_after_hwframe");
            assertThat(trace.complete()).isTrue();
        }
    }

    /**
     * The kernel-model pieces a session will hand to bt, built here from the dump alone: the
     * task list (init_task's list plus each CPU's idle task), which task each CPU ran at the
     * crash (runqueues' curr), and pid 1 as the context task (both fixtures crashed in init).
     */
    record FixtureBt(List<BtTask> tasks, long contextTask, KernelUnwinder unwinder, KernelMemory memory) implements BtContext {
        static FixtureBt of(DumpFile dump) {
            var mem = Kernel.open(dump).memory();
            var syms = KernelSymbols.load(mem, dump.vmcoreinfo().orElseThrow(), Optional.empty());
            var types = new Types(Btf.fromMemory(mem, syms.address("__start_BTF").getAsLong(), syms.address("__stop_BTF").getAsLong()));
            int cpus = (int) mem.u32(syms.address("nr_cpu_ids").getAsLong());
            var offsets = new long[cpus];
            for (int c = 0; c < cpus; c++) offsets[c] = mem.u64(syms.address("__per_cpu_offset").getAsLong() + 8L * c);
            var unwinder = KernelUnwinder.open(mem, syms, new BtfTypeLayouts(types), offsets, dump.cpuStates());
            long tasksOff = types.offsetOf("struct task_struct", "tasks"), pid = types.offsetOf("struct task_struct", "pid");
            long comm = types.offsetOf("struct task_struct", "comm"), cpu = types.offsetOf("struct task_struct", "thread_info.cpu");
            long rq = syms.address("runqueues").getAsLong(), curr = types.offsetOf("struct rq", "curr"), idle = types.offsetOf("struct rq", "idle");
            var active = new HashMap<Long, Integer>();
            var addresses = new ArrayList<Long>();
            for (int c = 0; c < cpus; c++) {
                active.put(mem.u64(rq + offsets[c] + curr), c);
                long i = mem.u64(rq + offsets[c] + idle);
                if (!addresses.contains(i)) addresses.add(i);
            }
            long head = syms.address("init_task").getAsLong() + tasksOff;
            for (long p = mem.u64(head); p != head; p = mem.u64(p)) addresses.add(p - tasksOff);
            var tasks = addresses.stream().map(t -> new BtTask(t, (int) mem.u32(t + pid), (int) mem.u32(t + cpu), mem.cString(t + comm, 16),
                    active.containsKey(t) ? OptionalInt.of(active.get(t)) : OptionalInt.empty()))
                    .sorted(Comparator.comparingInt(BtTask::pid)).toList();
            long context = tasks.stream().filter(t -> t.pid() == 1).findFirst().orElseThrow().address();
            return new FixtureBt(tasks, context, unwinder, mem);
        }
    }
}
