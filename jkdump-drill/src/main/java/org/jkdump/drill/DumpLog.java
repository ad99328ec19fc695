package org.jkdump.drill;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jkdump.format.DumpFile;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.PhysicalMemory;
import org.jkdump.format.VmcoreInfo;

/**
 * The crashed kernel's log, read from the printk ring buffer of a dump (Linux 5.10 and later:
 * struct printk_ringbuffer) with only what VMCOREINFO gives — the same facts vmcore-dmesg
 * uses: SYMBOL(prb) and the OFFSET/SIZE entries of the ring's structures. Virtual addresses are
 * translated through the kernel image mapping (phys_base) or a walk of init_top_pgt.
 *
 * <p>This is the drill's interim reader, there so that the drill can show the panic from the
 * dump itself; jkdump-kernel's Printk helper (and {@code jkdump analyze}) replaces it when it
 * lands, and this class goes away.
 */
final class DumpLog {
    private static final long START_KERNEL_MAP = 0xffffffff80000000L;
    private static final long PTE_ADDR = 0x000ffffffffff000L, PRESENT = 1, HUGE = 1L << 7;
    private static final int DESC_STATE_SHIFT = 62; // kernel/printk/printk_ringbuffer.h: DESC_FLAGS_SHIFT on 64-bit
    private static final int COMMITTED = 1, FINALIZED = 2;

    private final PhysicalMemory mem;
    private final VmcoreInfo vi;
    private final String name;
    private final long physBase, pgd;
    private final boolean fiveLevel;

    private DumpLog(DumpFile dump, VmcoreInfo vi) {
        this.mem = dump.memory();
        this.vi = vi;
        this.name = dump.name();
        this.physBase = need(vi.number("phys_base"), "NUMBER(phys_base)");
        this.pgd = need(vi.symbol("init_top_pgt"), "SYMBOL(init_top_pgt)") - START_KERNEL_MAP + physBase;
        this.fiveLevel = vi.number("pgtable_l5_enabled").orElse(0) == 1;
    }

    /** The log lines, oldest first, as "[   12.345678] text". */
    static List<String> read(DumpFile dump) {
        var vi = dump.vmcoreinfo().orElseThrow(() -> new JkdumpException(dump.name() + ": no VMCOREINFO: cannot find the kernel log"));
        return new DumpLog(dump, vi).lines();
    }

    private long need(java.util.OptionalLong v, String key) {
        if (v.isEmpty()) throw new JkdumpException(name + ": VMCOREINFO has no " + key + " (kernel older than 5.10, or not a Linux dump)");
        return v.getAsLong();
    }

    private long off(String type, String member) {
        return need(vi.offset(type, member), "OFFSET(" + type + "." + member + ")");
    }

    private long size(String type) {
        return need(vi.size(type), "SIZE(" + type + ")");
    }

    private List<String> lines() {
        long prb = u64(need(vi.symbol("prb"), "SYMBOL(prb)"));
        long descRing = prb + off("printk_ringbuffer", "desc_ring");
        long dataRing = prb + off("printk_ringbuffer", "text_data_ring");
        long counter = vi.offset("atomic_long_t", "counter").orElse(0);
        int countBits = (int) u32(descRing + off("prb_desc_ring", "count_bits"));
        int sizeBits = (int) u32(dataRing + off("prb_data_ring", "size_bits"));
        if (countBits < 1 || countBits > 24 || sizeBits < 8 || sizeBits > 31)
            throw new JkdumpException(String.format("%s: printk ring at %016x: count_bits %d / size_bits %d out of range", name, prb, countBits, sizeBits));
        long descs = u64(descRing + off("prb_desc_ring", "descs"));
        long infos = u64(descRing + off("prb_desc_ring", "infos"));
        long head = u64(descRing + off("prb_desc_ring", "head_id") + counter);
        long tail = u64(descRing + off("prb_desc_ring", "tail_id") + counter);
        long data = u64(dataRing + off("prb_data_ring", "data"));
        long descSize = size("prb_desc"), infoSize = size("printk_info");
        long stateOff = off("prb_desc", "state_var") + counter, lposOff = off("prb_desc", "text_blk_lpos");
        long beginOff = off("prb_data_blk_lpos", "begin"), nextOff = off("prb_data_blk_lpos", "next");
        long tsOff = off("printk_info", "ts_nsec"), lenOff = off("printk_info", "text_len");
        long count = 1L << countBits, dataSize = 1L << sizeBits;
        long idMask = (1L << DESC_STATE_SHIFT) - 1;
        var out = new ArrayList<String>();
        for (long id = tail, n = 0; n <= count; id = (id + 1) & idMask, n++) {
            long desc = descs + (id % count) * descSize;
            long sv = u64(desc + stateOff);
            int state = (int) (sv >>> DESC_STATE_SHIFT) & 3;
            if ((sv & idMask) == id && (state == COMMITTED || state == FINALIZED)) {
                long begin = u64(desc + lposOff + beginOff), next = u64(desc + lposOff + nextOff);
                long info = infos + (id % count) * infoSize;
                int textLen = (int) (u64(info + lenOff) & 0xffff);
                long ts = u64(info + tsOff);
                if ((begin & 1) == 0 && textLen > 0) {
                    // a block that wraps starts again at the beginning of the data area
                    long start = (begin >>> sizeBits) == (next >>> sizeBits) ? begin & (dataSize - 1) : 0;
                    long end = next & (dataSize - 1);
                    if (end == 0) end = dataSize;
                    long avail = end - start - 8; // each block starts with its descriptor id
                    int len = (int) Math.max(0, Math.min(textLen, avail));
                    String text = new String(read(data + start + 8, len), StandardCharsets.UTF_8);
                    // as vmcore-dmesg: the time stamp on the record's first line only
                    String[] parts = text.split("\n", -1);
                    out.add(String.format("[%5d.%06d] %s", ts / 1_000_000_000L, ts % 1_000_000_000L / 1000, parts[0]));
                    out.addAll(java.util.Arrays.asList(parts).subList(1, parts.length));
                }
            }
            if (id == head) break;
        }
        return out;
    }

    private long translate(long vaddr) {
        if (Long.compareUnsigned(vaddr, START_KERNEL_MAP) >= 0) return vaddr - START_KERNEL_MAP + physBase;
        long table = pgd;
        int[] shifts = fiveLevel ? new int[]{48, 39, 30, 21, 12} : new int[]{39, 30, 21, 12};
        for (int level = 0; level < shifts.length; level++) {
            int shift = shifts[level];
            long entry = mem.u64(table + ((vaddr >>> shift) & 511) * 8);
            if ((entry & PRESENT) == 0)
                throw new JkdumpException(String.format("%s: virtual address %016x is not mapped (page table level %d)", name, vaddr, level));
            if ((shift == 30 || shift == 21) && (entry & HUGE) != 0)
                return (entry & PTE_ADDR & ~((1L << shift) - 1)) | (vaddr & ((1L << shift) - 1));
            table = entry & PTE_ADDR;
        }
        return table | (vaddr & 0xfff);
    }

    private byte[] read(long vaddr, int len) {
        var buf = new byte[len];
        int done = 0;
        while (done < len) {
            long v = vaddr + done;
            int n = (int) Math.min(len - done, 4096 - (v & 0xfff));
            mem.read(translate(v), buf, done, n);
            done += n;
        }
        return buf;
    }

    private long u64(long vaddr) {
        return mem.u64(translate(vaddr));
    }

    private long u32(long vaddr) {
        return mem.u32(translate(vaddr));
    }
}
