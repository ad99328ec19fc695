package org.jkdump.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.stream.LongStream;

/**
 * The crashed machine's physical memory as a dump holds it: reads at any physical address,
 * across page and segment boundaries, and which page frames are present. A read that
 * touches a page the dump lacks raises {@link MissingPageException} naming the address and
 * the reason.
 */
public interface PhysicalMemory {
    /** Page size of the dumped machine in bytes. */
    int pageSize();

    /** One past the highest page frame number the dump describes. */
    long maxPfn();

    /** Whether page frame {@code pfn} is present (readable) in the dump. */
    boolean isPresent(long pfn);

    /** Every present page frame number, ascending. */
    LongStream presentFrames();

    /**
     * Copies the whole page {@code pfn} into {@code dst[dstOff .. dstOff+pageSize)}.
     *
     * @throws MissingPageException when the page is not in the dump
     */
    void readPage(long pfn, byte[] dst, int dstOff);

    /** Why {@code pfn} is missing; only meaningful when {@link #isPresent} is false. */
    MissingPageException.Reason missingReason(long pfn);

    /** The dump's name, used in messages. */
    String name();

    /** Reads {@code len} bytes at physical address {@code paddr}, crossing pages as needed. */
    default void read(long paddr, byte[] dst, int dstOff, int len) {
        int ps = pageSize();
        byte[] page = null;
        while (len > 0) {
            long pfn = Long.divideUnsigned(paddr, ps);
            int inPage = (int) Long.remainderUnsigned(paddr, ps);
            int n = Math.min(len, ps - inPage);
            if (!isPresent(pfn))
                throw new MissingPageException(name(), paddr, missingReason(pfn));
            if (inPage == 0 && n == ps) {
                readPage(pfn, dst, dstOff);
            } else {
                if (page == null) page = new byte[ps];
                readPage(pfn, page, 0);
                System.arraycopy(page, inPage, dst, dstOff, n);
            }
            paddr += n;
            dstOff += n;
            len -= n;
        }
    }

    default byte[] read(long paddr, int len) {
        var b = new byte[len];
        read(paddr, b, 0, len);
        return b;
    }

    default int u8(long paddr) {
        return read(paddr, 1)[0] & 0xff;
    }

    default int u16(long paddr) {
        return ByteBuffer.wrap(read(paddr, 2)).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
    }

    default long u32(long paddr) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(read(paddr, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt());
    }

    default long u64(long paddr) {
        return ByteBuffer.wrap(read(paddr, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** Number of present pages. */
    default long presentCount() {
        return presentFrames().count();
    }
}
