package org.jkdump.kexec;

import java.util.ArrayList;
import java.util.List;

/**
 * Does a capture kernel and initramfs fit the reservation? At crash time nothing can report
 * a misfit — the capture kernel just dies — so {@code jkdump load} and {@code status} check
 * it beforehand with these numbers. The reservation must hold the kernel's init_size and the
 * kernel's own allocations, then at the worst moment either the compressed initramfs with its
 * unpacked files (while unpacking) or the unpacked files with the capture's working set (the
 * JVM with -Xmx64m; the dump itself is streamed through mapped windows, not the heap). rootfs
 * is a tmpfs capped at half of the capture kernel's memory. Measured under QEMU: at
 * crashkernel=256M a 1 GiB guest left ~90 MB free with a 43 MB runtime; at 192M a 58 MB
 * initramfs could not unpack.
 *
 * @param unpacked bytes of the files in the initramfs; -1 when unknown
 */
public record CaptureSizing(long reservation, long kernelInitSize, long initrdSize, long unpacked, long workingSet) {
    /** The JVM's resident memory in the capture: heap under -Xmx64m plus code, metaspace and stacks. */
    public static final long JVM_WORKING_SET = 64L << 20;
    /** The capture kernel's own allocations (page tables, struct pages, slab, device buffers). */
    public static final long KERNEL_ALLOWANCE = 24L << 20;

    public long needed() {
        long files = Math.max(unpacked, 0);
        return kernelInitSize + KERNEL_ALLOWANCE + Math.max(initrdSize + files, files + workingSet);
    }

    /** What does not fit, one sentence each with the numbers; empty when it fits. */
    public List<String> problems() {
        var out = new ArrayList<String>();
        if (reservation <= 0) {
            out.add("no crashkernel= reservation: boot with crashkernel=256M (or more) on the kernel command line");
            return out;
        }
        if (needed() > reservation)
            out.add(String.format("the reservation (%s) is smaller than what the capture needs (%s = kernel init_size %s"
                            + " + kernel allocations %s + the larger of initramfs %s + unpacked %s and unpacked + working set %s)",
                    mib(reservation), mib(needed()), mib(kernelInitSize), mib(KERNEL_ALLOWANCE), mib(initrdSize),
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
