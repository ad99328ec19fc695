package org.jkdump.kernel.helpers;

import org.jkdump.kernel.KObject;
import org.jkdump.kernel.Kernel;

/**
 * {@code percpu_counter_sum()} (lib/percpu_counter.c): the central {@code count} plus every
 * present CPU's {@code s32} delta at {@code counters + __per_cpu_offset[cpu]}.
 */
final class PerCpuCounter {
    private PerCpuCounter() {
    }

    static long sum(Kernel k, KObject counter) {
        long sum = counter.member("count").asLong();
        long counters = counter.member("counters").asUnsigned();
        if (counters == 0) return sum;
        long offsets = Access.symbol(k, "__per_cpu_offset");
        for (int cpu : Cpus.present(k)) sum += k.memory().s32(counters + k.memory().u64(offsets + 8L * cpu));
        return sum;
    }
}
