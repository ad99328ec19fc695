package org.jkdump.kernel.helpers;

import java.util.stream.LongStream;
import org.jkdump.format.MissingPageException;
import org.jkdump.format.PhysicalMemory;

/** A dump's physical memory with a few bytes replaced at one physical address. */
final class PatchedMemory implements PhysicalMemory {
    private final PhysicalMemory base;
    private final long at;
    private final byte[] patch;

    PatchedMemory(PhysicalMemory base, long at, byte[] patch) {
        this.base = base;
        this.at = at;
        this.patch = patch;
    }

    @Override
    public int pageSize() {
        return base.pageSize();
    }

    @Override
    public long maxPfn() {
        return base.maxPfn();
    }

    @Override
    public boolean isPresent(long pfn) {
        return base.isPresent(pfn);
    }

    @Override
    public LongStream presentFrames() {
        return base.presentFrames();
    }

    @Override
    public void readPage(long pfn, byte[] dst, int dstOff) {
        read(pfn * pageSize(), dst, dstOff, pageSize());
    }

    @Override
    public MissingPageException.Reason missingReason(long pfn) {
        return base.missingReason(pfn);
    }

    @Override
    public String name() {
        return base.name();
    }

    @Override
    public void read(long paddr, byte[] dst, int dstOff, int len) {
        base.read(paddr, dst, dstOff, len);
        for (int i = 0; i < patch.length; i++) {
            long a = at + i - paddr;
            if (a >= 0 && a < len) dst[dstOff + (int) a] = patch[i];
        }
    }
}
