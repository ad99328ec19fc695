package org.jkdump.kexec;

import java.util.ArrayList;
import java.util.List;

/**
 * Does a capture kernel and initramfs fit the reservation? At crash time nothing can report
 * a misfit — the capture kernel just dies — so {@code jkdump load} and {@code status} check
 * it beforehand with these numbers. Two moments are tight:
 * <ul>
 * <li>unpacking: the kernel (its init_size and what it reserves at boot: struct pages, bounce
 *     buffers, early allocations) holds the compressed initramfs and, as it unpacks, every
 *     file of it, all at once;
 * <li>the capture: the compressed initramfs is freed; the files stay (rootfs is in memory),
 *     and the JVM's working set comes on top (the dump itself is streamed through mapped
 *     windows, not the heap).
 * </ul>
 * rootfs is also a tmpfs capped at half of the capture kernel's memory. Calibrated under QEMU
 * with Debian's 6.1 (init_size 63.6 MiB), 1 GiB guest, crashkernel=256M: a 28.6 MiB initramfs of
 * 78.0 MiB unpacked boots and captures (95 MB free when the capture starts); one of 35.2 MiB
 * and 90.9 MiB stops with "Initramfs unpacking failed: write error" (the kernel reported 104.5
 * MiB available at boot with that initrd held), and so does one of 39.4 MiB and 80.4 MiB (an ssh
 * target's, with the AOT cache); 38.8 MiB with 76.8 MiB and 38.5 MiB with 76.9 MiB boot and
 * capture. At 192M a 58 MB initramfs could not unpack.
 *
 * @param unpacked bytes of the files in the initramfs; -1 when unknown
 */
public record CaptureSizing(long reservation, long kernelInitSize, long initrdSize, long unpacked, long workingSet) {
    /** The JVM's resident memory in the capture: heap under -Xmx64m plus code, metaspace and stacks. */
    public static final long JVM_WORKING_SET = 64L << 20;
    /**
     * What the kernel holds besides init_size until the initramfs is unpacked: 53 MiB at boot
     * in the failed run above, and more than the 14 MiB that were then left were needed while
     * unpacking. The images above put it between 72.6 MiB (the 39.4 + 80.4 MiB one failed) and
     * 76.8 MiB (the 38.8 + 76.8 MiB one worked); 74 MiB is in the middle.
     */
    public static final long UNPACK_ALLOWANCE = 74L << 20;
    /** The capture kernel's own allocations once it runs (page tables, slab, device buffers). */
    public static final long KERNEL_ALLOWANCE = 24L << 20;

    /** Bytes needed while the initramfs unpacks. */
    public long neededUnpacking() {
        return kernelInitSize + UNPACK_ALLOWANCE + initrdSize + Math.max(unpacked, 0);
    }

    /** Bytes needed while the capture runs. */
    public long neededCapturing() {
        return kernelInitSize + KERNEL_ALLOWANCE + Math.max(unpacked, 0) + workingSet;
    }

    public long needed() {
        return Math.max(neededUnpacking(), neededCapturing());
    }

    /** What does not fit, one sentence each with the numbers; empty when it fits. */
    public List<String> problems() {
        var out = new ArrayList<String>();
        if (reservation <= 0) {
            out.add("no crashkernel= reservation: boot with crashkernel=256M (or more) on the kernel command line");
            return out;
        }
        if (neededUnpacking() > reservation)
            out.add(String.format("the reservation (%s) cannot unpack this initramfs: that needs %s (kernel init_size %s"
                            + " + what the kernel holds at boot %s + initramfs %s + its files unpacked %s)",
                    mib(reservation), mib(neededUnpacking()), mib(kernelInitSize), mib(UNPACK_ALLOWANCE), mib(initrdSize),
                    mib(Math.max(unpacked, 0))));
        if (neededCapturing() > reservation)
            out.add(String.format("the reservation (%s) is smaller than what the capture needs: %s (kernel init_size %s"
                            + " + kernel allocations %s + unpacked files %s + the capture's working set %s)",
                    mib(reservation), mib(neededCapturing()), mib(kernelInitSize), mib(KERNEL_ALLOWANCE),
                    mib(Math.max(unpacked, 0)), mib(workingSet)));
        long rootfsCap = (reservation - kernelInitSize) / 2;
        if (unpacked > rootfsCap)
            out.add(String.format("the initramfs unpacks to %s but the capture kernel's rootfs can hold about %s"
                    + " (half of the reservation left after the kernel)", mib(unpacked), mib(rootfsCap)));
        return out;
    }

    public static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }
}
