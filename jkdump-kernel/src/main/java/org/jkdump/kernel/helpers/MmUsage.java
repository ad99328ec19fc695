package org.jkdump.kernel.helpers;

import java.util.List;
import org.jkdump.kernel.Kernel;

/**
 * A process's memory use as crash's ps shows it (get_task_mem_usage): RSS in pages is the
 * mm's file, anon and shmem counters ({@code mm_struct.rss_stat}: {@code count[]} of atomics
 * up to 6.1, percpu counters from 6.2) plus, with SPLIT_RSS_COUNTING (up to 6.1), every
 * thread's not yet folded {@code task_struct.rss_stat.count[]}; negative counts count as 0.
 * VSZ is {@code mm_struct.total_vm} pages.
 */
public record MmUsage(long rssPages, long totalVmPages) {
    public static final MmUsage NONE = new MmUsage(0, 0);

    /** {@code threads}: the whole task list, searched for the threads sharing this mm. */
    public static MmUsage of(Kernel k, Tasks.Task task, List<Tasks.Task> threads) {
        if (task.mm() == 0) return NONE;
        var mm = Access.object(k, "struct mm_struct", task.mm());
        var types = k.types();
        long[] idx = {types.constant("MM_FILEPAGES").orElse(0), types.constant("MM_ANONPAGES").orElse(1),
                types.constant("MM_SHMEMPAGES").orElse(3)};
        long rss = 0;
        var stat = mm.member("rss_stat");
        if (stat.hasMember("count")) {
            for (long i : idx) rss += Math.max(0, stat.member("count").index(i).member("counter").asLong());
        } else {
            for (long i : idx) rss += Math.max(0, PerCpuCounter.sum(k, stat.index(i)));
        }
        if (Access.object(k, "struct task_struct", task.address()).hasMember("rss_stat")) {
            for (var t : threads) {
                if (t.mm() != task.mm() || t.tgid() != task.tgid()) continue;
                var counts = Access.object(k, "struct task_struct", t.address()).member("rss_stat.count");
                for (long i : idx) rss += Math.max(0, counts.index(i).asLong());
            }
        }
        return new MmUsage(rss, mm.member("total_vm").asUnsigned());
    }
}
