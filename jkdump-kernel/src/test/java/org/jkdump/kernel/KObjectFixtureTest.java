package org.jkdump.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.jkdump.format.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Typed objects on the kdump-sysrq dump (the kdump-zlib file crash read), with no vmlinux
 * and no System.map: symbols from the dump's kallsyms, types from its own BTF, addresses
 * through its page tables. Held against what crash 8.0.6 with the debug vmlinux printed
 * (crash.txt) and what the run recorded (run-info.txt).
 */
class KObjectFixtureTest {
    private static FixtureKernel kernel;
    private static Types types;
    private static KernelMemory memory;

    @BeforeAll
    static void open() {
        kernel = FixtureKernel.sysrqZlib();
        memory = kernel.memory();
        types = kernel.types();
    }

    @AfterAll
    static void close() {
        kernel.close();
    }

    private static KObject variable(String name, String type) {
        return kernel.variable(name, type);
    }

    @Test
    void initTaskIsSwapperWithPidZero() {
        var init = variable("init_task", "struct task_struct");
        assertThat(init.member("comm").asString()).isEqualTo("swapper/0");
        assertThat(init.member("pid").asLong()).isZero();
        assertThat(init.member("comm").typeName()).isEqualTo("char [16]");
        assertThat(init.member("real_parent").asUnsigned()).isEqualTo(init.address());
        assertThat(init.member("real_parent").deref().member("comm").asString()).isEqualTo("swapper/0");
        assertThat(init.member("mm").isNull()).isTrue();
    }

    /** A row of crash's {@code ps}: kernel threads' names in brackets. */
    record PsRow(long pid, long ppid, int cpu, long task, String comm) {
    }

    private static final Pattern PS_ROW = Pattern.compile(
            "^[> ]\\s*(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+([0-9a-f]+)\\s+\\S+\\s+[\\d.]+\\s+\\d+\\s+\\d+\\s+(\\S.*)$");

    static Map<Long, PsRow> crashPs() {
        var rows = new LinkedHashMap<Long, PsRow>();
        boolean in = false;
        for (var line : Fixtures.text("kdump-sysrq", "crash.txt").split("\n")) {
            if (line.startsWith("### CMD: ")) {
                in = line.equals("### CMD: ps");
                continue;
            }
            if (!in) continue;
            var m = PS_ROW.matcher(line);
            if (!m.matches()) continue;
            long task = Long.parseUnsignedLong(m.group(4), 16);
            rows.put(task, new PsRow(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Integer.parseInt(m.group(3)), task, m.group(5).strip()));
        }
        return rows;
    }

    /**
     * Every task as crash lists them: each CPU's idle task (rq->idle; init_task is CPU 0's),
     * every process on init_task.tasks and every thread of each (signal->thread_head
     * through task_struct.thread_node where the kernel has them, else thread_group).
     */
    static List<KObject> allTasks() {
        var seen = new LinkedHashSet<Long>();
        var tasks = new ArrayList<KObject>();
        var taskType = types.struct("task_struct");
        int cpus = (int) memory.u32(kernel.symbol("nr_cpu_ids"));
        var perCpu = PerCpu.read(memory, kernel.symbol("__per_cpu_offset"), cpus);
        for (int cpu = 0; cpu < cpus; cpu++) {
            var idle = perCpu.object(types, memory, types.struct("rq"), kernel.symbol("runqueues"), cpu, "runqueues").member("idle").deref();
            if (seen.add(idle.address())) tasks.add(idle);
        }
        var init = variable("init_task", "struct task_struct");
        boolean threadHead = types.hasMember("struct signal_struct", "thread_head") && types.hasMember(taskType, "thread_node");
        KList.entries(init.member("tasks"), "struct task_struct", "tasks").forEach(leader -> {
            if (seen.add(leader.address())) tasks.add(leader);
            var threads = threadHead
                    ? KList.entries(leader.member("signal.thread_head"), "struct task_struct", "thread_node")
                    : KList.entries(leader.member("thread_group"), "struct task_struct", "thread_group");
            threads.forEach(t -> {
                if (seen.add(t.address())) tasks.add(t);
            });
        });
        return tasks;
    }

    @Test
    void everyTaskPidPpidCpuAndCommEqualsCrashPs() {
        var expected = crashPs();
        assertThat(expected).hasSize(60); // crash sys: "TASKS: 60"
        var actual = new LinkedHashMap<Long, PsRow>();
        boolean cpuInThreadInfo = types.hasMember("struct task_struct", "thread_info.cpu");
        for (var t : allTasks()) {
            var task = t.read(); // one read of the whole task_struct; members come from the copy
            long pid = task.member("pid").asLong();
            int cpu = (int) task.member(cpuInThreadInfo ? "thread_info.cpu" : "cpu").asLong();
            long parent = task.member("real_parent").member("pid").asLong(); // pointer followed, as ->
            // crash prints PPID 0 for every idle task; secondary CPUs' idle tasks were forked by init (pid 1)
            long ppid = pid == 0 ? 0 : parent;
            if (pid == 0) assertThat(parent).as("real_parent pid of %s", t).isEqualTo(cpu == 0 ? 0 : 1);
            var comm = task.member("comm").asString();
            boolean kernelThread = task.member("mm").isNull();
            actual.put(t.address(), new PsRow(pid, ppid, cpu, t.address(), kernelThread ? "[" + comm + "]" : comm));
        }
        assertThat(actual.keySet()).as("task addresses").containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (var e : expected.entrySet()) assertThat(actual.get(e.getKey())).as("task %x", e.getKey()).isEqualTo(e.getValue());
    }

    @Test
    void perCpuRunqueuesNameTheirCpuAndIdleTask() {
        int cpus = (int) memory.u32(kernel.symbol("nr_cpu_ids"));
        assertThat(cpus).isEqualTo(2);
        var perCpu = PerCpu.read(memory, kernel.symbol("__per_cpu_offset"), cpus);
        for (int cpu = 0; cpu < cpus; cpu++) {
            // the per-cpu address straight from BTF's .data..percpu DATASEC, no symbol needed
            var rq = perCpu.variable(types, memory, "runqueues", cpu);
            assertThat(rq.address()).isEqualTo(kernel.symbol("runqueues") + perCpu.offset(cpu));
            assertThat(rq.member("cpu").asLong()).isEqualTo(cpu);
            assertThat(rq.member("idle").member("comm").asString()).isEqualTo("swapper/" + cpu);
        }
        assertThat(perCpu.variable(types, memory, "runqueues", 0).member("idle").asUnsigned()).isEqualTo(kernel.symbol("init_task"));
    }

    @Test
    void readsUtsStringsCommandLineAndEnumNames() {
        var uts = variable("init_uts_ns", "struct uts_namespace");
        assertThat(uts.member("name.release").asString()).isEqualTo("6.1.0-56-amd64");
        assertThat(uts.member("name.version").asString()).isEqualTo("#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)");
        assertThat(uts.member("name.machine").asString()).isEqualTo("x86_64");
        var cmdline = variable("saved_command_line", "char *");
        var expected = Fixtures.text("kdump-sysrq", "run-info.txt").lines()
                .filter(l -> l.startsWith("cmdline=")).findFirst().orElseThrow().substring("cmdline=".length());
        assertThat(cmdline.asString()).isEqualTo(expected);
        var state = variable("system_state", "enum system_states");
        assertThat(state.enumName()).contains("SYSTEM_RUNNING");
        assertThat(state.asLong()).isEqualTo(types.enumValue("system_states", "SYSTEM_RUNNING"));
    }

    @Test
    void containerOfAndArrayIndexAgreeWithMemberOffsets() {
        var init = variable("init_task", "struct task_struct");
        var tasks = init.member("tasks");
        assertThat(tasks.containerOf("struct task_struct", "tasks").address()).isEqualTo(init.address());
        var firstNext = tasks.member("next");
        var first = firstNext.containerOf("struct task_struct", "tasks");
        assertThat(first.member("pid").asLong()).isEqualTo(1); // init, the first process forked
        assertThat(init.member("pid_links").index(2).address()).isEqualTo(init.address() + types.offsetOf("struct task_struct", "pid_links[2]"));
        assertThat(init.member("comm").index(0).asLong()).isEqualTo('s');
        assertThat(init.member("comm").length()).isEqualTo(16);
    }

    @Test
    void failedReadNamesObjectTypeAndAddress() {
        var phys = kernel.dump().memory();
        long pfn = LongStream.range(0x1000, phys.maxPfn()).filter(p -> !phys.isPresent(p)).findFirst().orElseThrow();
        long vaddr = kernel.pageOffsetBase() + pfn * 4096;
        var task = KObject.at(types, memory, types.struct("task_struct"), vaddr, "task");
        assertThatThrownBy(() -> task.member("comm").asString())
                .isInstanceOf(ObjectReadException.class)
                .hasMessage("cannot read task.comm (char [16]) at 0x%016x: %s: virtual address 0x%x (physical 0x%x) is excluded from the dump",
                        vaddr + 2976, kernel.dump().name(), vaddr + 2976, pfn * 4096 + 2976);
        var init = variable("init_task", "struct task_struct");
        assertThatThrownBy(() -> init.member("mm").member("pgd"))
                .isInstanceOf(ObjectReadException.class)
                .hasMessage("cannot dereference init_task.mm (struct mm_struct *): it is NULL");
        assertThatThrownBy(() -> init.member("no_such_member"))
                .isInstanceOf(UnknownTypeException.class)
                .hasMessageStartingWith("struct task_struct has no member 'no_such_member' (reading init_task)");
        assertThatThrownBy(() -> init.member("pid").deref())
                .isInstanceOf(TypeMismatchException.class)
                .hasMessage("cannot dereference init_task.pid: pid_t is not a pointer");
    }
}
