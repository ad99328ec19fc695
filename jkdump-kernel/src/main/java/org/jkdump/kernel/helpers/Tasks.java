package org.jkdump.kernel.helpers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.KObject;
import org.jkdump.kernel.Kernel;
import org.jkdump.kernel.MissingVirtualPageException;

/**
 * The task list (drgn's {@code for_each_task}): every thread of every thread group reached
 * from {@code init_task.tasks}, plus the idle task of each CPU ({@code rq->idle}; CPU 0's
 * is init_task itself), in pid order as crash's ps shows them.
 */
public final class Tasks {
    /** PID_MAX_LIMIT on 64-bit: more tasks than this means a corrupt list. */
    private static final int MAX_TASKS = 4 * 1024 * 1024;

    private Tasks() {
    }

    /**
     * One task_struct, read once.
     *
     * @param state     {@code __state} (or {@code state} before 5.14) or'ed with {@code exit_state}, as crash's task_state()
     * @param mm        the {@code mm_struct} address, 0 for kernel threads
     * @param parent    the real parent's task_struct address
     * @param leader    the thread-group leader's task_struct address
     */
    public record Task(long address, int pid, int tgid, int ppid, int cpu, long state, String comm, long mm, long flags,
                       long parent, long leader) {
        /** PF_KTHREAD (include/linux/sched.h) — or no mm, for kernels that lack the flag. */
        public boolean kernelThread() {
            return mm == 0;
        }
    }

    public static List<Task> all(Kernel k) {
        long initTask = Access.symbol(k, "init_task");
        var seen = new HashSet<Long>();
        var tasks = new ArrayList<Task>();
        var threadsMember = Access.object(k, "struct task_struct", initTask).hasMember("thread_node") ? "thread_node" : "thread_group";
        // Forward along init_task.tasks; a thread-group leader whose task_struct the dump lacks
        // (makedumpfile 1.7.2 drops some slab pages of 6.12 kernels) ends that walk, and the
        // rest of the ring is then walked backwards from init_task up to the gap.
        boolean lost = false;
        for (String direction : List.of("tasks.next", "tasks.prev")) {
            long leader = initTask;
            boolean gap = false;
            do {
                if (!seen.add(leader) && leader != initTask) break;
                if (leader != initTask || direction.equals("tasks.next")) {
                    long group = leader;
                    try {
                        lost |= !forEachThread(k, leader, threadsMember, t -> {
                            if (tasks.size() >= MAX_TASKS) throw new JkdumpException("task list at " + Long.toHexString(initTask) + " has more than " + MAX_TASKS + " entries: corrupt");
                            if (t == group || seen.add(t)) tasks.add(read(k, t));
                        });
                    } catch (JkdumpException e) {
                        if (!missing(e)) throw e;
                        gap = true;
                        break;
                    }
                }
                long next = Access.object(k, "struct task_struct", leader).member(direction).asUnsigned();
                leader = KObject.containerOf(k.types(), k.memory(), next, "struct task_struct", "tasks").address();
            } while (leader != initTask);
            if (!gap) break;
            lost = true;
        }
        if (lost) addFromPidIdr(k, seen, tasks);
        // the other CPUs' idle tasks are on no list: crash takes them from the run queues
        for (int cpu : Cpus.present(k)) {
            if (cpu == 0) continue;
            long idle = Access.object(k, "struct rq", Access.perCpu(k, "runqueues", cpu)).member("idle").asUnsigned();
            // crash shows every idle task as a child of swapper/0, whoever forked it
            if (idle != 0 && seen.add(idle)) {
                var t = read(k, idle);
                tasks.add(new Task(t.address(), t.pid(), t.tgid(), 0, t.cpu(), t.state(), t.comm(), t.mm(), t.flags(), initTask, t.leader()));
            }
        }
        tasks.sort(Comparator.comparingInt(Task::pid).thenComparingInt(Task::cpu));
        return tasks;
    }

    /**
     * Tasks the walk above could not reach (between two task_structs the dump lacks, or in a
     * thread list cut short): every pid has its number in the initial pid namespace, whose
     * {@code idr} (an xarray, 4.20 and later) holds each {@code struct pid}; the task using it
     * as its pid is the first on {@code pid->tasks[PIDTYPE_PID]}, linked through
     * {@code task_struct.pid_links[PIDTYPE_PID]}. crash lists tasks this way. A task is taken
     * only when its own pid field agrees with the pid's number.
     */
    private static void addFromPidIdr(Kernel k, HashSet<Long> seen, List<Task> tasks) {
        var types = k.types();
        if (!Access.hasSymbol(k, "init_pid_ns") || types.find("struct xa_node").isEmpty() || !types.hasMember("struct task_struct", "pid_links"))
            return;
        var idr = Access.global(k, "struct pid_namespace", "init_pid_ns").member("idr.idr_rt");
        long linkOff = types.offsetOf("struct task_struct", "pid_links");
        for (long pid : XArray.of(k, idr).entries()) {
            try {
                var p = Access.object(k, "struct pid", pid);
                long first = p.member("tasks").index(0).member("first").asUnsigned();
                if (first == 0) continue;
                long task = first - linkOff;
                if (seen.contains(task)) continue;
                var t = read(k, task);
                // numbers[] is a flexible array from 5.x: its first upid is the initial namespace's
                var upid = Access.object(k, "struct upid", pid + types.offsetOf("struct pid", "numbers"));
                if (t.pid() != upid.member("nr").asLong()) continue;
                seen.add(task);
                tasks.add(t);
            } catch (JkdumpException e) {
                if (!missing(e)) throw e;
            }
        }
    }

    /** Calls {@code action} for each thread of the group; false when the dump lacked part of its thread list. */
    private static boolean forEachThread(Kernel k, long leader, String member, java.util.function.LongConsumer action) {
        var task = Access.object(k, "struct task_struct", leader);
        action.accept(leader);
        if (member.equals("thread_node")) {
            // signal->thread_head lists every thread (the leader too) through task_struct.thread_node
            long signal = task.member("signal").asUnsigned();
            if (signal == 0) return true;
            var head = Access.object(k, "struct signal_struct", signal).member("thread_head");
            long headAddr = head.address();
            long p;
            try {
                p = head.member("next").asUnsigned();
            } catch (JkdumpException e) {
                // an excluded signal_struct (makedumpfile 1.7.2 at -d 31 drops such slab pages of
                // 6.12 kernels): the leader stays listed, only its other threads are lost
                if (!missing(e)) throw e;
                return false;
            }
            int n = 0;
            while (p != headAddr && p != 0 && n++ < MAX_TASKS) {
                long t = p - k.types().offsetOf("struct task_struct", "thread_node");
                try {
                    if (t != leader) action.accept(t);
                    p = k.memory().u64(p);
                } catch (JkdumpException e) {
                    // a thread the dump lacks ends its group's thread list, not the task list
                    if (!missing(e)) throw e;
                    return false;
                }
            }
        } else {
            long headAddr = task.member("thread_group").address();
            long p = k.memory().u64(headAddr);
            int n = 0;
            while (p != headAddr && p != 0 && n++ < MAX_TASKS) {
                action.accept(p - k.types().offsetOf("struct task_struct", "thread_group"));
                p = k.memory().u64(p);
            }
        }
        return true;
    }

    /** The read failed on a page the dump does not hold (filtered out), not on bad data. */
    private static boolean missing(JkdumpException e) {
        return e instanceof MissingVirtualPageException || e.getCause() instanceof MissingVirtualPageException;
    }

    /** Reads one task_struct. */
    public static Task read(Kernel k, long address) {
        var t = Access.object(k, "struct task_struct", address);
        long state = (t.hasMember("__state") ? t.member("__state") : t.member("state")).asUnsigned();
        long exitState = t.member("exit_state").asUnsigned();
        int cpu = (int) (t.hasMember("cpu") ? t.member("cpu") : t.member("thread_info.cpu")).asUnsigned();
        long parent = t.member("real_parent").asUnsigned();
        int ppid = parent == 0 || parent == address ? 0 : (int) Access.object(k, "struct task_struct", parent).member("pid").asLong();
        return new Task(address, (int) t.member("pid").asLong(), (int) t.member("tgid").asLong(), ppid, cpu,
                state | exitState, t.member("comm").asString(), t.member("mm").asUnsigned(), t.member("flags").asUnsigned(),
                parent, t.member("group_leader").asUnsigned());
    }

    /** The task each CPU was running at the crash ({@code rq->curr}), indexed by CPU. */
    public static List<Long> active(Kernel k) {
        var l = new ArrayList<Long>();
        for (int cpu : Cpus.present(k))
            l.add(Access.object(k, "struct rq", Access.perCpu(k, "runqueues", cpu)).member("curr").asUnsigned());
        return l;
    }

    public static Optional<Task> byPid(List<Task> tasks, int pid) {
        return tasks.stream().filter(t -> t.pid() == pid).findFirst();
    }

    /**
     * crash's two-letter state (task_state_string): RU, IN, UN, ID (uninterruptible + noload),
     * ZO, ST, TR, DE, PA, WA, NE. The bit values are the kernel's TASK_* constants
     * (include/linux/sched.h), unchanged since 4.14.
     */
    public static String stateLetters(long state) {
        final long INTERRUPTIBLE = 0x1, UNINTERRUPTIBLE = 0x2, STOPPED = 0x4, TRACED = 0x8, EXIT_DEAD = 0x10,
                EXIT_ZOMBIE = 0x20, PARKED = 0x40, DEAD = 0x80, WAKING = 0x200, NOLOAD = 0x400, NEW = 0x800;
        String s = "??";
        boolean set = false;
        if (state == 0) s = "RU";
        if ((state & INTERRUPTIBLE) != 0) { s = "IN"; set = true; }
        if ((state & UNINTERRUPTIBLE) != 0) { s = (state & NOLOAD) != 0 ? "ID" : "UN"; set = true; }
        if ((state & EXIT_ZOMBIE) != 0) { s = "ZO"; set = true; }
        if ((state & STOPPED) != 0) { s = "ST"; set = true; }
        if ((state & TRACED) != 0) { s = "TR"; set = true; }
        if ((state & (EXIT_DEAD | DEAD)) != 0 && !set) s = "DE";
        if (state == PARKED) s = "PA";
        if (state == WAKING) s = "WA";
        if (state == NEW) s = "NE";
        return s;
    }

    /** crash's long state name for {@code set}: TASK_RUNNING, TASK_INTERRUPTIBLE, ... */
    public static String stateName(long state) {
        return switch (stateLetters(state)) {
            case "RU" -> "TASK_RUNNING";
            case "IN" -> "TASK_INTERRUPTIBLE";
            case "UN" -> "TASK_UNINTERRUPTIBLE";
            case "ID" -> "TASK_IDLE";
            case "ZO" -> "EXIT_ZOMBIE";
            case "ST" -> "TASK_STOPPED";
            case "TR" -> "TASK_TRACED";
            case "DE" -> "EXIT_DEAD";
            case "PA" -> "TASK_PARKED";
            case "WA" -> "TASK_WAKING";
            case "NE" -> "TASK_NEW";
            default -> "(unknown)";
        };
    }
}
