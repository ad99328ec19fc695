package org.jkdump.kernel.helpers;

import org.jkdump.kernel.Kernel;

/**
 * Time since boot from {@code jiffies_64}, which starts at INITIAL_JIFFIES
 * ({@code (unsigned int)(-300 * HZ)}, include/linux/jiffies.h). HZ is not in the dump's
 * VMCOREINFO or BTF, so it is the CONFIG_HZ choice (100, 250, 300, 1000) whose uptime
 * agrees best with a clock the caller knows (the last printk timestamp, seconds since boot).
 *
 * @param jiffies jiffies since boot
 */
public record Uptime(long jiffies, int hz) {
    private static final int[] HZ_CHOICES = {100, 250, 300, 1000};

    public long seconds() {
        return jiffies / hz;
    }

    public static Uptime read(Kernel k, double referenceSeconds) {
        long j64 = k.memory().u64(Access.symbol(k, Access.hasSymbol(k, "jiffies_64") ? "jiffies_64" : "jiffies"));
        Uptime best = null;
        double bestErr = Double.MAX_VALUE;
        for (int hz : HZ_CHOICES) {
            long initial = Integer.toUnsignedLong(-300 * hz);
            long elapsed = j64 - initial;
            if (elapsed < 0) continue;
            double err = Math.abs((double) elapsed / hz - referenceSeconds);
            if (err < bestErr) {
                bestErr = err;
                best = new Uptime(elapsed, hz);
            }
        }
        return best != null ? best : new Uptime(j64, 1000);
    }

    /** {@code avenrun[3]} (kernel/sched/loadavg.c) as crash prints it: "0.00, 0.00, 0.00" (fixed point, FSHIFT 11). */
    public static String loadAverage(Kernel k) {
        long a = Access.symbol(k, "avenrun");
        var sb = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            long v = k.memory().u64(a + 8L * i) + (1 << 11) / 200;
            if (i > 0) sb.append(", ");
            sb.append(v >> 11).append('.').append(String.format("%02d", ((v & 2047) * 100) >> 11));
        }
        return sb.toString();
    }

    /** {@code cpu_khz} / 1000 (arch/x86/kernel/tsc.c), as crash's MACHINE line; 0 when unknown. */
    public static long cpuMhz(Kernel k) {
        return Access.hasSymbol(k, "cpu_khz") ? k.memory().u32(Access.symbol(k, "cpu_khz")) / 1000 : 0;
    }
}
