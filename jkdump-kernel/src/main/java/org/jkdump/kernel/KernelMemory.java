package org.jkdump.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The crashed kernel's virtual memory: reads at kernel (and, through a task's mm, user)
 * virtual addresses. Implementations translate to physical addresses and read the dump;
 * a failed read raises a {@link org.jkdump.format.JkdumpException} naming the virtual
 * address (and, where translation succeeded, the physical one) and why.
 */
public interface KernelMemory {
    /** Copies {@code len} bytes at virtual address {@code vaddr} into {@code dst[off..]}. */
    void read(long vaddr, byte[] dst, int off, int len);

    default byte[] read(long vaddr, int len) {
        var b = new byte[len];
        read(vaddr, b, 0, len);
        return b;
    }

    default int u8(long vaddr) {
        return read(vaddr, 1)[0] & 0xff;
    }

    default int u16(long vaddr) {
        return ByteBuffer.wrap(read(vaddr, 2)).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
    }

    default long u32(long vaddr) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(read(vaddr, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt());
    }

    default int s32(long vaddr) {
        return ByteBuffer.wrap(read(vaddr, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    default long u64(long vaddr) {
        return ByteBuffer.wrap(read(vaddr, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** A NUL-terminated string of at most {@code max} bytes (Latin-1, as crash shows bytes). */
    default String cString(long vaddr, int max) {
        var sb = new StringBuilder();
        var chunk = new byte[64];
        while (sb.length() < max) {
            int n = (int) Math.min(chunk.length, Math.min(max - sb.length(), 4096 - (vaddr & 4095)));
            read(vaddr, chunk, 0, n);
            for (int i = 0; i < n; i++) {
                if (chunk[i] == 0) return sb.toString();
                sb.append((char) (chunk[i] & 0xff));
            }
            vaddr += n;
        }
        return sb.toString();
    }

    /** UTF-8 bytes read as a string (for text the kernel wrote as UTF-8, e.g. the printk ring). */
    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
