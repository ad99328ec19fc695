package org.jkdump.kexec.classic;

import java.util.ArrayList;
import java.util.List;
import org.jkdump.format.JkdumpException;

/**
 * Free space in the crashkernel= reservation, handed out from the top down as kexec-tools
 * does: the pieces the capture kernel only reads (core header, backup, purgatory) sit at the
 * very top, away from the kernel, which grows upwards from its load address through init_size
 * while it decompresses and sets itself up.
 */
final class ReservationSpace {
    static final long PAGE = 4096;
    private final MemoryRegion reservation;
    private final List<long[]> taken = new ArrayList<>();

    ReservationSpace(MemoryRegion reservation) {
        this.reservation = reservation;
    }

    /** The highest free, {@code align}-aligned range of {@code size} bytes at or above {@code min} and ending at or below {@code max}. */
    long takeHighest(String what, long size, long align, long min, long max) {
        long a = Math.max(align, PAGE);
        long top = Long.compareUnsigned(max, reservation.end()) < 0 ? max : reservation.end();
        long low = Long.compareUnsigned(min, reservation.start()) > 0 ? min : reservation.start();
        long start = alignDown(top + 1 - size, a);
        while (Long.compareUnsigned(start, low) >= 0 && start + size - 1 <= top) {
            long[] clash = clash(start, start + size - 1);
            if (clash == null) {
                taken.add(new long[] {start, start + size - 1});
                return start;
            }
            if (clash[0] < size) break;
            start = alignDown(clash[0] - size, a);
        }
        throw new JkdumpException(String.format("the %s (0x%x bytes, aligned to 0x%x) does not fit in the crashkernel= reservation"
                + " %x-%x beside the %d segments placed before it: boot with a larger crashkernel=",
                what, size, a, reservation.start(), reservation.end(), taken.size()));
    }

    private long[] clash(long start, long end) {
        for (long[] t : taken)
            if (start <= t[1] && end >= t[0]) return t;
        return null;
    }

    static long alignDown(long v, long a) {
        return v & -a;
    }

    static long alignUp(long v, long a) {
        return (v + a - 1) & -a;
    }
}
