package org.jkdump.kernel.helpers;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.FakePhysicalMemory;

/**
 * Hostile kernel memory for both log readers: any content either reads or fails with a
 * JkdumpException (never another exception, a hang or a huge allocation). Runs its seeds in
 * every build; fuzzes for real with JAZZER_FUZZ=1.
 */
class PrintkFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void lockless_ring_of_arbitrary_content_reads_or_fails_cleanly(FuzzedDataProvider data) {
        var ring = new FakeRing();
        // mostly plausible ring geometry and ids close together, sometimes anything
        boolean wild = data.consumeBoolean();
        ring.memory.writeU32(FakeRing.RING, wild ? data.consumeInt() : data.consumeInt(0, FakeRing.COUNT_BITS));
        ring.memory.writeU32(FakeRing.RING + 48, wild ? data.consumeInt() : data.consumeInt(3, FakeRing.SIZE_BITS));
        long tail = data.consumeLong();
        ring.ids(tail, wild ? data.consumeLong() : tail + data.consumeInt(0, 9));
        ring.memory.write(FakeRing.DESCS, data.consumeBytes(24 << FakeRing.COUNT_BITS));
        ring.memory.write(FakeRing.INFOS, data.consumeBytes(88 << FakeRing.COUNT_BITS));
        ring.memory.write(FakeRing.DATA, data.consumeRemainingAsBytes());
        try {
            for (var format : DmesgFormat.values()) format.format(ring.log(), new DmesgFormat.Options(true, true));
        } catch (JkdumpException expected) {
            // a clear failure is fine
        }
    }

    @FuzzTest(maxDuration = "30s")
    void record_buffer_of_arbitrary_content_reads_or_fails_cleanly(FuzzedDataProvider data) {
        var memory = new FakePhysicalMemory();
        int length = data.consumeInt(0, 1 << 16);
        memory.writeU64(0x1000, 0x8000).writeU32(0x1008, length)
                .writeU32(0x1010, data.consumeInt()).writeU32(0x1018, data.consumeInt());
        memory.write(0x8000, data.consumeBytes(length));
        memory.addPage(0x8000 + Math.max(0, length - 1));
        var info = VmcoreInfo.parse("""
                SYMBOL(log_buf)=1000
                SYMBOL(log_buf_len)=1008
                SYMBOL(log_first_idx)=1010
                SYMBOL(log_next_idx)=1018
                SIZE(printk_log)=16
                OFFSET(printk_log.ts_nsec)=0
                OFFSET(printk_log.len)=8
                OFFSET(printk_log.text_len)=10
                OFFSET(printk_log.dict_len)=12
                """);
        try {
            var log = Printk.log(memory::read, info, "fuzz");
            for (var format : DmesgFormat.values()) format.format(log, new DmesgFormat.Options(true, true));
        } catch (JkdumpException expected) {
            // a clear failure is fine
        }
    }
}
