package org.jkdump.kernel.helpers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.FakePhysicalMemory;
import org.jkdump.kernel.KernelDataException;
import org.jkdump.kernel.helpers.DmesgFormat.Options;
import org.junit.jupiter.api.Test;

/** The 3.5–5.9 record buffer, built by hand: struct printk_log headers (16 bytes, 20 with CONFIG_PRINTK_CALLER). */
class PrintkLogBufferTest {
    private static final long LOG_BUF_PTR = 0x1000, LOG_BUF_LEN = 0x1008, FIRST = 0x1010, NEXT = 0x1018, BUF = 0x8000;
    private static final String VMCOREINFO = """
            SYMBOL(log_buf)=1000
            SYMBOL(log_buf_len)=1008
            SYMBOL(log_first_idx)=1010
            SYMBOL(clear_idx)=1014
            SYMBOL(log_next_idx)=1018
            SIZE(printk_log)=16
            OFFSET(printk_log.ts_nsec)=0
            OFFSET(printk_log.len)=8
            OFFSET(printk_log.text_len)=10
            OFFSET(printk_log.dict_len)=12
            """;
    private static final String WITH_CALLER = VMCOREINFO.replace("SIZE(printk_log)=16", "SIZE(printk_log)=20")
            + "OFFSET(printk_log.caller_id)=16\n";

    private final FakePhysicalMemory memory = new FakePhysicalMemory();
    private int headerSize = 16;

    private void buffer(int length, long first, long next) {
        memory.writeU64(LOG_BUF_PTR, BUF).writeU32(LOG_BUF_LEN, length).writeU32(FIRST, (int) first).writeU32(NEXT, (int) next);
        memory.write(BUF, new byte[length]);
    }

    /** Writes a record at {@code idx}; returns the index after it (records are 4-byte aligned, LOG_ALIGN). */
    private long record(long idx, long ts, String text, String dict, int levelFlags, int caller) {
        var t = text.getBytes(StandardCharsets.UTF_8);
        var d = dict.getBytes(StandardCharsets.UTF_8);
        int len = (headerSize + t.length + d.length + 3) & -4;
        long at = BUF + idx;
        memory.writeU64(at, ts).writeU16(at + 8, len).writeU16(at + 10, t.length).writeU16(at + 12, d.length);
        memory.write(at + 15, new byte[]{(byte) levelFlags});
        if (headerSize == 20) memory.writeU32(at + 16, caller);
        memory.write(at + headerSize, t).write(at + headerSize + t.length, d);
        return idx + len;
    }

    private PrintkLog log(String vmcoreinfo) {
        return Printk.log(memory::read, VmcoreInfo.parse(vmcoreinfo), "fake");
    }

    @Test
    void readsRecordsWithTheirDictionaries() {
        buffer(256, 0, 0);
        long next = record(0, 1_500_000_000L, "Booting", "", (5 << 5) | 2, 0);
        next = record(next, 2_000_000_000L, "e1000 0000:00:03.0: link up", "SUBSYSTEM=pci\0DEVICE=+pci:0000:00:03.0", (6 << 5) | 2, 0);
        memory.writeU32(NEXT, (int) next);

        var log = log(VMCOREINFO);

        assertThat(log.buffer()).isEqualTo(PrintkLog.Buffer.RECORD_BUFFER);
        assertThat(log.records()).extracting(PrintkRecord::textString).containsExactly("Booting", "e1000 0000:00:03.0: link up");
        var second = log.records().get(1);
        assertThat(second.level()).hasValue(6);
        assertThat(second.sequence()).isEmpty();
        assertThat(second.device()).hasValue(new PrintkRecord.DeviceInfo("pci", "+pci:0000:00:03.0"));
        assertThat(DmesgFormat.MAKEDUMPFILE.format(log, new Options(false, true)))
                .isEqualTo("[    1.500000] Booting\n[    2.000000] e1000 0000:00:03.0: link up\n SUBSYSTEM=pci\n DEVICE=+pci:0000:00:03.0\n");
    }

    @Test
    void wrapsAtTheEndOfBufferMarkerWhichOnlyVmcoreDmesgPrints() {
        buffer(128, 64, 0);
        long marker = record(64, 3_000, "oldest", "", 0, 0);
        assertThat(marker).isEqualTo(88);
        // log_store() zeroed a header here (len 0) and went on at index 0
        long next = record(0, 4_000, "newest", "", 0, 0);
        memory.writeU32(NEXT, (int) next);

        var log = log(VMCOREINFO);

        assertThat(log.records()).extracting(PrintkRecord::textString).containsExactly("oldest", "newest");
        assertThat(DmesgFormat.MAKEDUMPFILE.format(log, Options.NONE)).isEqualTo("[    0.000003] oldest\n[    0.000004] newest\n");
        assertThat(DmesgFormat.VMCORE_DMESG.format(log, Options.NONE))
                .isEqualTo("[    0.000003] oldest\n[    0.000000] \n[    0.000004] newest\n");
    }

    @Test
    void readsCallerIdsOfPrintkCallerKernels() {
        headerSize = 20;
        buffer(128, 0, 0);
        memory.writeU32(NEXT, (int) record(0, 1_000, "hello", "", (4 << 5) | 2, 0x80000003));

        var log = log(WITH_CALLER);

        assertThat(log.records().getFirst().level()).hasValue(4);
        assertThat(DmesgFormat.MAKEDUMPFILE.format(log, new Options(true, false))).isEqualTo("[    0.000001] [      C3] hello\n");
    }

    @Test
    void rejectsARecordRunningPastTheBuffer() {
        buffer(128, 0, 0);
        record(0, 1, "x", "", 0, 0);
        memory.writeU16(BUF + 8, 200);
        memory.writeU32(NEXT, 64);

        assertThatThrownBy(() -> log(VMCOREINFO)).isInstanceOf(KernelDataException.class)
                .hasMessage("fake: printk log_buf at 0x8000, index 0x0: record length 200 is shorter than its header or runs past the buffer");
    }

    @Test
    void rejectsIndexesOutsideTheBuffer() {
        buffer(128, 0, 4096);

        assertThatThrownBy(() -> log(VMCOREINFO)).isInstanceOf(KernelDataException.class)
                .hasMessage("fake: log_first_idx 0x0 or log_next_idx 0x1000 lies outside log_buf (0x80 bytes at 0x8000)");
    }
}
