package org.jkdump.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jkdump.format.JkdumpException;

/**
 * A small fake kernel memory for helper unit tests (drgn's mock program): one writable
 * range of bytes at a virtual base address; reads outside it fail as an unmapped address
 * would.
 */
final class FakeMemory implements KernelMemory {
    private final long base;
    private final ByteBuffer bytes;

    FakeMemory(long base, int size) {
        this.base = base;
        this.bytes = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void read(long vaddr, byte[] dst, int off, int len) {
        if (vaddr < base || vaddr - base > bytes.capacity() - len)
            throw new JkdumpException(String.format("fake memory: 0x%x is not mapped", vaddr));
        bytes.get((int) (vaddr - base), dst, off, len);
    }

    FakeMemory u64(long vaddr, long v) {
        bytes.putLong((int) (vaddr - base), v);
        return this;
    }

    FakeMemory u32(long vaddr, int v) {
        bytes.putInt((int) (vaddr - base), v);
        return this;
    }

    FakeMemory put(long vaddr, byte[] b) {
        bytes.put((int) (vaddr - base), b);
        return this;
    }
}
