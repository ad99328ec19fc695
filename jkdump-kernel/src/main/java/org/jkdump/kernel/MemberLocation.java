package org.jkdump.kernel;

import org.jkdump.kernel.btf.BtfType;

/**
 * Where a member (found by a dotted path such as {@code "se.avg.load_avg"} or
 * {@code "pid_links[1]"}) lies in its outermost containing type: its declared type, its
 * offset in bits, and for a bitfield its width in bits (0 for an ordinary member).
 */
public record MemberLocation(String path, BtfType type, long bitOffset, int bitSize) {
    /** The byte holding the member's first bit; for a bitfield, as crash's {@code struct -o} shows it. */
    public long byteOffset() {
        return bitOffset >>> 3;
    }

    public boolean isBitfield() {
        return bitSize != 0;
    }
}
