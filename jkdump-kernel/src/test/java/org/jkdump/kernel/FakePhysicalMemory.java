package org.jkdump.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.jkdump.format.MissingPageException;
import org.jkdump.format.PhysicalMemory;

/**
 * A small physical memory for unit tests: only the 4 KiB pages written to exist; every other
 * page is "excluded", so a test can tell which reads went where.
 */
public final class FakePhysicalMemory implements PhysicalMemory {
    private final TreeMap<Long, byte[]> pages = new TreeMap<>();

    @Override
    public int pageSize() {
        return 4096;
    }

    @Override
    public long maxPfn() {
        return pages.isEmpty() ? 0 : pages.lastKey() + 1;
    }

    @Override
    public boolean isPresent(long pfn) {
        return pages.containsKey(pfn);
    }

    @Override
    public LongStream presentFrames() {
        return pages.keySet().stream().mapToLong(Long::longValue);
    }

    @Override
    public void readPage(long pfn, byte[] dst, int dstOff) {
        var p = pages.get(pfn);
        if (p == null) throw new MissingPageException(name(), pfn * 4096, MissingPageException.Reason.EXCLUDED);
        System.arraycopy(p, 0, dst, dstOff, 4096);
    }

    @Override
    public MissingPageException.Reason missingReason(long pfn) {
        return MissingPageException.Reason.EXCLUDED;
    }

    @Override
    public String name() {
        return "fake";
    }

    /** Makes the page holding {@code paddr} exist (zero-filled). */
    public FakePhysicalMemory addPage(long paddr) {
        pages.computeIfAbsent(paddr >>> 12, k -> new byte[4096]);
        return this;
    }

    public FakePhysicalMemory write(long paddr, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            long a = paddr + i;
            pages.computeIfAbsent(a >>> 12, k -> new byte[4096])[(int) (a & 4095)] = bytes[i];
        }
        return this;
    }

    public FakePhysicalMemory writeU64(long paddr, long value) {
        return write(paddr, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
    }

    public FakePhysicalMemory writeU32(long paddr, int value) {
        return write(paddr, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
    }

    public FakePhysicalMemory writeU16(long paddr, int value) {
        return write(paddr, ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) value).array());
    }

    /** Drops a page, as a dump level would. */
    public FakePhysicalMemory removePage(long paddr) {
        pages.remove(paddr >>> 12);
        return this;
    }
}
