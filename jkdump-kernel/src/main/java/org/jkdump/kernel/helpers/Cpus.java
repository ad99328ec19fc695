package org.jkdump.kernel.helpers;

import java.util.ArrayList;
import java.util.List;
import org.jkdump.kernel.Kernel;

/**
 * The CPU masks of kernel/cpu.c ({@code __cpu_present_mask}, {@code __cpu_online_mask}:
 * {@code struct cpumask}, an array of unsigned longs with one bit per CPU, of
 * {@code nr_cpu_ids} meaningful bits).
 */
public final class Cpus {
    private static final int MAX_CPUS = 8192; // CONFIG_NR_CPUS upper bound on x86-64

    private Cpus() {
    }

    public static List<Integer> present(Kernel k) {
        return mask(k, "__cpu_present_mask");
    }

    public static List<Integer> online(Kernel k) {
        return mask(k, "__cpu_online_mask");
    }

    /** {@code __per_cpu_offset[0 .. nr_cpu_ids)}: where each CPU's copy of the per-cpu variables sits. */
    public static long[] perCpuOffsets(Kernel k) {
        int n = nrCpuIds(k);
        long base = Access.symbol(k, "__per_cpu_offset");
        var out = new long[n];
        for (int i = 0; i < n; i++) out[i] = k.memory().u64(base + 8L * i);
        return out;
    }

    /** {@code nr_cpu_ids}: the number of possible CPU ids. */
    public static int nrCpuIds(Kernel k) {
        long n = k.memory().u32(Access.symbol(k, "nr_cpu_ids"));
        return (int) Math.min(Math.max(n, 1), MAX_CPUS);
    }

    private static List<Integer> mask(Kernel k, String symbol) {
        int n = nrCpuIds(k);
        long addr = Access.symbol(k, symbol);
        var cpus = new ArrayList<Integer>();
        for (int word = 0; word * 64 < n; word++) {
            long bits = k.memory().u64(addr + 8L * word);
            for (int b = 0; b < 64 && word * 64 + b < n; b++) if ((bits & (1L << b)) != 0) cpus.add(word * 64 + b);
        }
        return cpus;
    }
}
