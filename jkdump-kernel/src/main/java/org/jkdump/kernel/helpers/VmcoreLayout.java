package org.jkdump.kernel.helpers;

import java.util.OptionalLong;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.KernelDataException;

/**
 * Reads the SIZE/OFFSET/SYMBOL/LENGTH entries a structure layout needs from VMCOREINFO,
 * failing with the missing key named, and checks that a member fits in its structure.
 */
final class VmcoreLayout {
    private final VmcoreInfo info;
    private final String dump;
    private final String what;

    /** @param what the reader's subject, for messages ("the printk ring buffer") */
    VmcoreLayout(VmcoreInfo info, String dump, String what) {
        this.info = info;
        this.dump = dump;
        this.what = what;
    }

    long symbol(String name) {
        return need(info.symbol(name), "SYMBOL(" + name + ")");
    }

    long size(String type) {
        long v = need(info.size(type), "SIZE(" + type + ")");
        if (v <= 0 || v > 1 << 16) throw bad("SIZE(" + type + ")=" + v + " is not a plausible structure size");
        return v;
    }

    long length(String name) {
        return need(info.length(name), "LENGTH(" + name + ")");
    }

    /** OFFSET(type.member), checked so that a {@code width}-byte member lies inside {@code size} bytes. */
    long offset(String type, String member, int width, long size) {
        long v = need(info.offset(type, member), "OFFSET(" + type + "." + member + ")");
        return checkFits(type + "." + member, v, width, size);
    }

    OptionalLong optionalOffset(String type, String member, int width, long size) {
        var v = info.offset(type, member);
        if (v.isEmpty()) return v;
        return OptionalLong.of(checkFits(type + "." + member, v.getAsLong(), width, size));
    }

    long checkFits(String member, long offset, long width, long size) {
        if (offset < 0 || offset + width > size)
            throw bad(String.format("OFFSET(%s)=%d does not fit a %d-byte member inside the %d-byte structure", member, offset, width, size));
        return offset;
    }

    KernelDataException bad(String detail) {
        return new KernelDataException(dump + ": VMCOREINFO: " + detail + " (reading " + what + ")");
    }

    private long need(OptionalLong v, String key) {
        if (v.isEmpty()) throw new KernelDataException(dump + ": VMCOREINFO has no " + key + ", needed to read " + what);
        return v.getAsLong();
    }
}
