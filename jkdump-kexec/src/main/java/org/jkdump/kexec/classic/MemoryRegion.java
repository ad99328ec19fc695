package org.jkdump.kexec.classic;

/** An inclusive physical address range of one {@link MemoryType}. */
public record MemoryRegion(long start, long end, MemoryType type) {
    public MemoryRegion {
        if (Long.compareUnsigned(end, start) < 0)
            throw new IllegalArgumentException(String.format("region %x-%x ends before it starts", start, end));
    }

    public long size() {
        return end - start + 1;
    }

    public boolean overlaps(long otherStart, long otherEnd) {
        return Long.compareUnsigned(otherStart, end) <= 0 && Long.compareUnsigned(otherEnd, start) >= 0;
    }

    @Override
    public String toString() {
        return String.format("%016x-%016x %s", start, end, type);
    }
}
