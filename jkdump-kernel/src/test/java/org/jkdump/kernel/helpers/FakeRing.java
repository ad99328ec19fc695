package org.jkdump.kernel.helpers;

import java.nio.charset.StandardCharsets;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.FakePhysicalMemory;
import org.jkdump.kernel.KernelMemory;

/**
 * A lockless printk ring (Linux 5.10+) built by hand in fake memory, with the structure
 * offsets of a 6.1 x86-64 kernel's VMCOREINFO: 8 descriptors, a 256-byte text ring. Virtual
 * addresses equal physical ones.
 */
final class FakeRing {
    static final long PRB = 0x1000, RING = 0x2000, DESCS = 0x10000, INFOS = 0x20000, DATA = 0x40000;
    static final int COUNT_BITS = 3, SIZE_BITS = 8;
    static final long STATE_FINALIZED = 2L << 62, STATE_COMMITTED = 1L << 62, STATE_RESERVED = 0;
    static final long FAILED_LPOS = 1, NO_LPOS = 3;

    static final String VMCOREINFO = """
            SYMBOL(prb)=1000
            SIZE(printk_ringbuffer)=88
            OFFSET(printk_ringbuffer.desc_ring)=0
            OFFSET(printk_ringbuffer.text_data_ring)=48
            OFFSET(printk_ringbuffer.fail)=80
            SIZE(prb_desc_ring)=48
            OFFSET(prb_desc_ring.count_bits)=0
            OFFSET(prb_desc_ring.descs)=8
            OFFSET(prb_desc_ring.infos)=16
            OFFSET(prb_desc_ring.head_id)=24
            OFFSET(prb_desc_ring.tail_id)=32
            SIZE(prb_desc)=24
            OFFSET(prb_desc.state_var)=0
            OFFSET(prb_desc.text_blk_lpos)=8
            SIZE(prb_data_blk_lpos)=16
            OFFSET(prb_data_blk_lpos.begin)=0
            OFFSET(prb_data_blk_lpos.next)=8
            SIZE(printk_info)=88
            OFFSET(printk_info.seq)=0
            OFFSET(printk_info.ts_nsec)=8
            OFFSET(printk_info.text_len)=16
            OFFSET(printk_info.caller_id)=20
            OFFSET(printk_info.dev_info)=24
            SIZE(dev_printk_info)=64
            OFFSET(dev_printk_info.subsystem)=0
            LENGTH(printk_info_subsystem)=16
            OFFSET(dev_printk_info.device)=16
            LENGTH(printk_info_device)=48
            SIZE(prb_data_ring)=32
            OFFSET(prb_data_ring.size_bits)=0
            OFFSET(prb_data_ring.data)=8
            OFFSET(prb_data_ring.head_lpos)=16
            OFFSET(prb_data_ring.tail_lpos)=24
            SIZE(atomic_long_t)=8
            OFFSET(atomic_long_t.counter)=0
            """;

    final FakePhysicalMemory memory = new FakePhysicalMemory();

    FakeRing() {
        memory.writeU64(PRB, RING);
        memory.writeU32(RING, COUNT_BITS);
        memory.writeU64(RING + 8, DESCS);
        memory.writeU64(RING + 16, INFOS);
        memory.writeU32(RING + 48, SIZE_BITS);
        memory.writeU64(RING + 56, DATA);
        memory.write(DESCS, new byte[24 << COUNT_BITS]);
        memory.write(INFOS, new byte[88 << COUNT_BITS]);
        memory.write(DATA, new byte[1 << SIZE_BITS]);
    }

    FakeRing ids(long tail, long head) {
        memory.writeU64(RING + 32, tail);
        memory.writeU64(RING + 24, head);
        return this;
    }

    /** A finalized record whose text block starts at logical position {@code begin}; returns the next free position. */
    long record(long id, long tsNs, String text, long begin) {
        return record(id, STATE_FINALIZED, tsNs, text.getBytes(StandardCharsets.UTF_8), begin, 0, 0x00);
    }

    long record(long id, long state, long tsNs, byte[] text, long begin, int caller, int flagsLevel) {
        long size = 1L << SIZE_BITS;
        long blockSize = (8 + text.length + 7) & -8;
        long next = begin + blockSize;
        long start = begin & (size - 1);
        if (begin >>> SIZE_BITS != next >>> SIZE_BITS) {  // wraps: the kernel stores it at index 0
            next = ((next >>> SIZE_BITS) << SIZE_BITS) + blockSize;
            start = 0;
        }
        memory.writeU64(DATA + start, id);
        memory.write(DATA + start + 8, text);
        descriptor(id, state, begin, next);
        info(id, id, tsNs, text.length, caller, flagsLevel);
        return next;
    }

    void descriptor(long id, long state, long begin, long next) {
        long d = DESCS + (id & ((1 << COUNT_BITS) - 1)) * 24;
        memory.writeU64(d, state | id);
        memory.writeU64(d + 8, begin);
        memory.writeU64(d + 16, next);
    }

    void info(long id, long seq, long tsNs, int textLen, int caller, int flagsLevel) {
        long i = INFOS + (id & ((1 << COUNT_BITS) - 1)) * 88;
        memory.writeU64(i, seq);
        memory.writeU64(i + 8, tsNs);
        memory.writeU16(i + 16, textLen);
        memory.write(i + 19, new byte[]{(byte) flagsLevel});
        memory.writeU32(i + 20, caller);
    }

    void deviceInfo(long id, String subsystem, String device) {
        long i = INFOS + (id & ((1 << COUNT_BITS) - 1)) * 88;
        memory.write(i + 24, subsystem.getBytes(StandardCharsets.US_ASCII));
        memory.write(i + 40, device.getBytes(StandardCharsets.US_ASCII));
    }

    KernelMemory kernelMemory() {
        return memory::read;
    }

    PrintkLog log() {
        return Printk.log(kernelMemory(), VmcoreInfo.parse(VMCOREINFO), "fake");
    }
}
