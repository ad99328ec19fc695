package org.jkdump.kernel.unwind;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.KernelMemory;

/**
 * One ORC table as the kernel keeps it in memory: {@code orc_unwind_ip}, an array of
 * {@code s32} offsets each relative to its own address (ip = &entry + value), sorted by ip at
 * boot or module load, and the parallel array {@code orc_unwind} of 6-byte
 * {@code struct orc_entry}. vmlinux has one (between {@code __start_orc_unwind_ip} and
 * {@code __stop_orc_unwind_ip}); each module has its own in {@code struct mod_arch_specific}
 * ({@code num_orcs}, {@code orc_unwind_ip}, {@code orc_unwind}).
 *
 * @param owner     "vmlinux" or the module's name (for messages)
 * @param ipTable   address of the first orc_unwind_ip entry
 * @param entries   address of the first orc_entry
 * @param count     number of entries
 * @param textStart lowest code address the table is meant for
 * @param textEnd   one past the highest such address
 */
public record OrcTable(String owner, long ipTable, long entries, int count, long textStart, long textEnd) {
    /** More entries than any kernel has (vmlinux has a few hundred thousand). */
    public static final int MAX_ENTRIES = 16 << 20;

    public OrcTable {
        if (count < 0 || count > MAX_ENTRIES)
            throw new JkdumpException("ORC table of " + owner + " at 0x" + Long.toHexString(ipTable) + " claims "
                    + count + " entries (at most " + MAX_ENTRIES + " expected)");
    }

    public boolean covers(long ip) {
        return Long.compareUnsigned(ip, textStart) >= 0 && Long.compareUnsigned(ip, textEnd) < 0;
    }

    /** The ip of entry {@code i}. */
    public long ipAt(KernelMemory memory, int i) {
        long at = ipTable + 4L * i;
        return at + memory.s32(at);
    }

    /**
     * The entry covering {@code ip}: the rightmost one whose ip is ≤ {@code ip}, as the
     * kernel's {@code __orc_find} does (the weak section terminators sort before real entries
     * at the same ip, so the rightmost duplicate wins).
     */
    public Optional<Found> find(KernelMemory memory, OrcFormat format, long ip) {
        if (count == 0) return Optional.empty();
        int lo = 0, hi = count - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(ipAt(memory, mid), ip) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found < 0) return Optional.empty();
        return Optional.of(new Found(ipAt(memory, found), entry(memory, format, found)));
    }

    /** Entry {@code i} decoded in {@code format}. */
    public OrcEntry entry(KernelMemory memory, OrcFormat format, int i) {
        var bb = ByteBuffer.wrap(memory.read(entries + (long) OrcFormat.ENTRY_SIZE * i, OrcFormat.ENTRY_SIZE))
                .order(ByteOrder.LITTLE_ENDIAN);
        return format.decode(bb.getShort(0), bb.getShort(2), bb.getShort(4) & 0xffff);
    }

    /** The third (bit-field) word of up to {@code max} entries spread over the table, for {@link OrcFormat#detect}. */
    public int[] sampleBits(KernelMemory memory, int max) {
        int n = Math.min(max, count);
        var out = new int[n];
        if (n == 0) return out;
        // A contiguous run keeps the reads on few pages; the middle of the table is ordinary C code.
        int first = Math.max(0, count / 2 - n / 2);
        var raw = memory.read(entries + (long) OrcFormat.ENTRY_SIZE * first, OrcFormat.ENTRY_SIZE * n);
        var bb = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) out[i] = bb.getShort(i * OrcFormat.ENTRY_SIZE + 4) & 0xffff;
        return out;
    }

    /** An entry and the first ip it covers. */
    public record Found(long ip, OrcEntry entry) {
    }
}
