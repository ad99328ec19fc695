package org.jkdump.kernel.helpers;

import java.util.ArrayList;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.KernelDataException;
import org.jkdump.kernel.KernelMemory;
import org.jkdump.kernel.helpers.PrintkRecord.CallerId;
import org.jkdump.kernel.helpers.PrintkRecord.DeviceInfo;
import org.jkdump.kernel.helpers.PrintkRecord.TextBlock;

/**
 * The lockless printk ring buffer of Linux 5.10+ (kernel/printk/printk_ringbuffer.h): {@code prb}
 * points to a struct printk_ringbuffer whose desc_ring holds 2^count_bits descriptors (state
 * and text block positions) and as many struct printk_info, and whose text_data_ring holds
 * the text blocks, each an unsigned long id followed by the text. Records run from the tail
 * descriptor id to the head id; a descriptor counts when its state word carries its id and
 * the state committed or finalized.
 */
final class PrintkRing {
    // prb_desc.state_var: the top two bits are the state, the rest the descriptor id
    private static final int DESC_FLAGS_SHIFT = 62;
    private static final long DESC_ID_MASK = ~(3L << DESC_FLAGS_SHIFT);
    private static final int DESC_COMMITTED = 1, DESC_FINALIZED = 2;
    /** blk_lpos of a record without data: both positions odd; 0x3 is an intended empty line (NO_LPOS). */
    private static final long NO_LPOS = 0x3;
    private static final int ID_SIZE = 8;  // sizeof(unsigned long), the id in front of each text block
    /** The kernel caps log_buf_len at 2^31 (LOG_BUF_LEN_MAX); descriptors are one per 32 bytes of text. */
    private static final int MAX_COUNT_BITS = 26, MAX_SIZE_BITS = 31;
    private static final long MAX_SNAPSHOT = 1L << 30;

    /** Offsets of struct printk_ringbuffer, prb_desc_ring, prb_desc, printk_info, prb_data_ring from VMCOREINFO. */
    record Layout(long prb, long ringSize, long descRing, long textRing, long countBits, long descs, long infos,
                  long headId, long tailId, long counter, long descSize, long stateVar, long textLpos, long lposBegin,
                  long lposNext, long infoSize, long seq, long tsNsec, long textLen, OptionalLong callerId,
                  OptionalLong subsystem, int subsystemLength, OptionalLong device, int deviceLength,
                  OptionalLong facility, OptionalLong flagsLevel, long sizeBits, long data) {

        static Layout of(VmcoreInfo info, String dump) {
            var v = new VmcoreLayout(info, dump, "the printk ring buffer");
            long ringSize = v.size("printk_ringbuffer");
            long descRing = v.offset("printk_ringbuffer", "desc_ring", 8, ringSize);
            long textRing = v.offset("printk_ringbuffer", "text_data_ring", 8, ringSize);
            long counter = v.offset("atomic_long_t", "counter", 8, 8);
            long descSize = v.size("prb_desc");
            long infoSize = v.size("printk_info");
            long textLen = v.offset("printk_info", "text_len", 2, infoSize);
            var callerId = v.optionalOffset("printk_info", "caller_id", 4, infoSize);
            var devInfo = v.optionalOffset("printk_info", "dev_info", 1, infoSize);
            OptionalLong subsystem = OptionalLong.empty(), device = OptionalLong.empty();
            int subsystemLength = 0, deviceLength = 0;
            if (devInfo.isPresent() && info.offset("dev_printk_info", "subsystem").isPresent()
                    && info.offset("dev_printk_info", "device").isPresent()) {
                subsystemLength = (int) v.length("printk_info_subsystem");
                deviceLength = (int) v.length("printk_info_device");
                subsystem = OptionalLong.of(v.checkFits("dev_printk_info.subsystem",
                        devInfo.getAsLong() + info.offset("dev_printk_info", "subsystem").getAsLong(), subsystemLength, infoSize));
                device = OptionalLong.of(v.checkFits("dev_printk_info.device",
                        devInfo.getAsLong() + info.offset("dev_printk_info", "device").getAsLong(), deviceLength, infoSize));
            }
            // VMCOREINFO exports no offset for facility and the flags:5/level:3 byte. In every
            // struct printk_info (5.10+) they are the two bytes between the u16 text_len and the
            // u32 caller_id; trust that only when the exported offsets leave exactly that gap.
            boolean gapFits = callerId.isPresent() && callerId.getAsLong() == textLen + 4;
            return new Layout(v.symbol("prb"), ringSize, descRing, textRing,
                    descRing + v.offset("prb_desc_ring", "count_bits", 4, ringSize - descRing),
                    descRing + v.offset("prb_desc_ring", "descs", 8, ringSize - descRing),
                    descRing + v.offset("prb_desc_ring", "infos", 8, ringSize - descRing),
                    descRing + v.offset("prb_desc_ring", "head_id", 8, ringSize - descRing) + counter,
                    descRing + v.offset("prb_desc_ring", "tail_id", 8, ringSize - descRing) + counter,
                    counter, descSize,
                    v.offset("prb_desc", "state_var", 8, descSize) + counter,
                    v.offset("prb_desc", "text_blk_lpos", 16, descSize),
                    v.offset("prb_data_blk_lpos", "begin", 8, 16),
                    v.offset("prb_data_blk_lpos", "next", 8, 16),
                    infoSize,
                    v.offset("printk_info", "seq", 8, infoSize),
                    v.offset("printk_info", "ts_nsec", 8, infoSize),
                    textLen, callerId, subsystem, subsystemLength, device, deviceLength,
                    gapFits ? OptionalLong.of(textLen + 2) : OptionalLong.empty(),
                    gapFits ? OptionalLong.of(textLen + 3) : OptionalLong.empty(),
                    textRing + v.offset("prb_data_ring", "size_bits", 4, ringSize - textRing),
                    textRing + v.offset("prb_data_ring", "data", 8, ringSize - textRing));
        }
    }

    private PrintkRing() {
    }

    static PrintkLog read(KernelMemory memory, VmcoreInfo info, String dump) {
        var l = Layout.of(info, dump);
        long prbAddress = memory.u64(l.prb());
        var prb = new StructBytes(memory.read(prbAddress, (int) l.ringSize()));
        int countBits = prb.u32(l.countBits());
        int sizeBits = prb.u32(l.sizeBits());
        if (countBits < 0 || countBits > MAX_COUNT_BITS || sizeBits < 3 || sizeBits > MAX_SIZE_BITS)
            throw new KernelDataException(String.format("%s: printk_ringbuffer at 0x%x: count_bits %d or size_bits %d is out of range",
                    dump, prbAddress, countBits, sizeBits));
        long count = 1L << countBits, size = 1L << sizeBits;
        if (count * (l.descSize() + l.infoSize()) + size > MAX_SNAPSHOT)
            throw new KernelDataException(String.format("%s: printk_ringbuffer at 0x%x: %d descriptors and %d text bytes exceed what jkdump reads (1 GiB)",
                    dump, prbAddress, count, size));
        var descs = new StructBytes(memory.read(prb.u64(l.descs()), (int) (count * l.descSize())));
        var infos = new StructBytes(memory.read(prb.u64(l.infos()), (int) (count * l.infoSize())));
        var text = new StructBytes(memory.read(prb.u64(l.data()), (int) size));
        long head = prb.u64(l.headId()), tail = prb.u64(l.tailId());
        long span = (head - tail) & DESC_ID_MASK;
        if (Long.compareUnsigned(span, count) >= 0)
            throw new KernelDataException(String.format("%s: printk_ringbuffer at 0x%x: head id 0x%x is %d descriptors past tail id 0x%x, more than the ring's %d",
                    dump, prbAddress, head, span, tail, count));
        var records = new ArrayList<PrintkRecord>((int) span + 1);
        for (long id = tail, n = 0; n <= span; id = (id + 1) & DESC_ID_MASK, n++) {
            long desc = (id & (count - 1)) * l.descSize();
            long state = descs.u64(desc + l.stateVar());
            int s = (int) (state >>> DESC_FLAGS_SHIFT);
            if ((state & DESC_ID_MASK) != id || s != DESC_COMMITTED && s != DESC_FINALIZED) continue;
            records.add(record(l, descs, desc, infos, (id & (count - 1)) * l.infoSize(), text, sizeBits));
        }
        return new PrintkLog(PrintkLog.Buffer.LOCKLESS_RING, records, Optional.empty());
    }

    private static PrintkRecord record(Layout l, StructBytes descs, long desc, StructBytes infos, long info,
                                       StructBytes text, int sizeBits) {
        long begin = descs.u64(desc + l.textLpos() + l.lposBegin());
        long next = descs.u64(desc + l.textLpos() + l.lposNext());
        int textLen = infos.u16(info + l.textLen());
        byte[] bytes = new byte[0];
        TextBlock block;
        long size = 1L << sizeBits;
        if ((begin & 1) != 0 && (next & 1) != 0) {
            block = begin == NO_LPOS && next == NO_LPOS ? TextBlock.DATALESS : TextBlock.LOST;
        } else {
            // get_data(): a block lies within one wrap, or wrapped and then starts at index 0
            long start, dataSize;
            if (begin >>> sizeBits == next >>> sizeBits && Long.compareUnsigned(begin, next) < 0) {
                start = begin & (size - 1);
                dataSize = next - begin;
            } else if ((begin + size) >>> sizeBits == next >>> sizeBits) {
                start = 0;
                dataSize = next & (size - 1);
            } else {
                start = -1;
                dataSize = -1;
            }
            boolean valid = start >= 0 && (begin & (ID_SIZE - 1)) == 0 && (next & (ID_SIZE - 1)) == 0
                    && dataSize >= ID_SIZE && start + dataSize <= size;
            if (valid) {
                block = TextBlock.STORED;
                bytes = text.slice(start + ID_SIZE, (int) Math.min(textLen, dataSize - ID_SIZE));
            } else {
                block = TextBlock.LOST;
            }
        }
        Optional<DeviceInfo> device = Optional.empty();
        if (l.subsystem().isPresent()) {
            var sub = infos.cString(info + l.subsystem().getAsLong(), l.subsystemLength());
            var dev = infos.cString(info + l.device().getAsLong(), l.deviceLength());
            if (!sub.isEmpty() || !dev.isEmpty()) device = Optional.of(new DeviceInfo(sub, dev));
        }
        OptionalInt level = OptionalInt.empty(), facility = OptionalInt.empty();
        if (l.flagsLevel().isPresent()) {
            level = OptionalInt.of(infos.u8(info + l.flagsLevel().getAsLong()) >>> 5);  // u8 flags:5, level:3
            facility = OptionalInt.of(infos.u8(info + l.facility().getAsLong()));
        }
        return new PrintkRecord(OptionalLong.of(infos.u64(info + l.seq())), infos.u64(info + l.tsNsec()), level, facility,
                l.callerId().isPresent() ? Optional.of(new CallerId(infos.u32(info + l.callerId().getAsLong()))) : Optional.empty(),
                bytes, block, device);
    }
}
