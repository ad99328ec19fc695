package org.jkdump.kernel.helpers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.KernelDataException;
import org.jkdump.kernel.helpers.DmesgFormat.Options;
import org.jkdump.kernel.helpers.PrintkRecord.TextBlock;
import org.junit.jupiter.api.Test;

class PrintkRingTest {
    private final FakeRing ring = new FakeRing();

    @Test
    void readsRecordsFromTailToHeadInclusive() {
        long next = ring.record(0, 1_000, "first", 0);
        next = ring.record(1, 2_000_500_000L, "second", next);
        ring.record(2, 12_345_678_901_234L, "third", next);
        ring.ids(0, 2);

        var log = ring.log();

        assertThat(log.records()).extracting(PrintkRecord::textString).containsExactly("first", "second", "third");
        assertThat(DmesgFormat.VMCORE_DMESG.format(log, Options.NONE))
                .isEqualTo("[    0.000001] first\n[    2.000500] second\n[12345.678901] third\n");
    }

    @Test
    void readsAWrappedTextBlockFromTheRingsStart() {
        // positions in the second lap of the 256-byte ring; a block that would end exactly at
        // the lap's end is stored at index 0 too (get_next_lpos())
        long next = ring.record(5, 1, "before", 256 + 216);
        assertThat(next).isEqualTo(256 + 232);
        long after = ring.record(6, 2, "wrapped text", next);
        assertThat(after).isEqualTo(512 + 24);
        ring.ids(5, 6);

        assertThat(ring.log().records()).extracting(PrintkRecord::textString).containsExactly("before", "wrapped text");
    }

    @Test
    void skipsDescriptorsNotCommittedOrReused() {
        long next = ring.record(8, 1, "kept", 0);
        next = ring.record(9, FakeRing.STATE_RESERVED, 2, "being written".getBytes(), next, 0, 0);
        next = ring.record(10, FakeRing.STATE_COMMITTED, 3, "committed".getBytes(), next, 0, 0);
        ring.record(11, 4, "reused", next);
        ring.descriptor(11, FakeRing.STATE_FINALIZED, 0, 8);
        // the slot of id 11 now carries id 19 (reused one lap later): id mismatch
        ring.descriptor(19, FakeRing.STATE_FINALIZED, 0, 8);
        ring.ids(8, 11);

        assertThat(ring.log().records()).extracting(PrintkRecord::textString).containsExactly("kept", "committed");
    }

    @Test
    void dataLessRecordsAreLeftOutByMakedumpfileAndBareInVmcoreDmesg() {
        long next = ring.record(0, 1_000_000, "a", 0);
        ring.descriptor(1, FakeRing.STATE_FINALIZED, FakeRing.NO_LPOS, FakeRing.NO_LPOS);
        ring.info(1, 1, 2_000_000, 0, 0, 0);
        ring.descriptor(2, FakeRing.STATE_FINALIZED, FakeRing.FAILED_LPOS, FakeRing.FAILED_LPOS);
        ring.info(2, 2, 3_000_000, 40, 0, 0);
        ring.record(3, 4_000_000, "b", next);
        ring.ids(0, 3);

        var log = ring.log();

        assertThat(log.records()).extracting(PrintkRecord::textBlock)
                .containsExactly(TextBlock.STORED, TextBlock.DATALESS, TextBlock.LOST, TextBlock.STORED);
        assertThat(DmesgFormat.MAKEDUMPFILE.format(log, Options.NONE)).isEqualTo("[    0.001000] a\n[    0.004000] b\n");
        assertThat(DmesgFormat.VMCORE_DMESG.format(log, Options.NONE))
                .isEqualTo("[    0.001000] a\n[    0.002000] \n[    0.003000] \n[    0.004000] b\n");
    }

    @Test
    void truncatesTextToItsBlock() {
        ring.record(0, 1, "0123456789", 0);
        ring.info(0, 0, 1, 200, 0, 0);  // text_len claims more than the 24-byte block holds
        ring.ids(0, 0);

        assertThat(ring.log().records().getFirst().textString()).isEqualTo("0123456789\0\0\0\0\0\0");
    }

    @Test
    void continuationLinesAndEscapesFollowEachTool() {
        byte[] text = "line one\nline\ttwo \u00e9\u0001".getBytes(StandardCharsets.UTF_8);
        ring.record(0, FakeRing.STATE_FINALIZED, 5_000, text, 0, 0x80000001, 0);
        ring.ids(0, 0);
        var log = ring.log();

        assertThat(DmesgFormat.MAKEDUMPFILE.format(log, Options.NONE))
                .isEqualTo("[    0.000005] line one\n               line\ttwo \\xffffffc3\\xffffffa9\\x01\n");
        assertThat(DmesgFormat.VMCORE_DMESG.format(log, Options.NONE))
                .isEqualTo("[    0.000005] line one\nline\ttwo \\xc3\\xa9\\x01\n");
        assertThat(DmesgFormat.MAKEDUMPFILE.format(log, new Options(true, false)))
                .as("makedumpfile 1.7.5+: caller id column, indent includes it")
                .isEqualTo("[    0.000005] [      C1] line one\n                          line\ttwo \\xffffffc3\\xffffffa9\\x01\n");
    }

    @Test
    void recordsCarryLevelFacilityCallerAndDevice() {
        ring.record(0, FakeRing.STATE_FINALIZED, 7, "pci 0000:00:01.0: BAR".getBytes(), 0, 143, (6 << 5) | 0x2);
        ring.deviceInfo(0, "pci", "+pci:0000:00:01.0");
        ring.ids(0, 0);

        var r = ring.log().records().getFirst();

        assertThat(r.level()).hasValue(6);
        assertThat(r.facility()).hasValue(0);
        assertThat(r.caller()).hasValueSatisfying(c -> assertThat(c.toString()).isEqualTo("T143"));
        assertThat(r.device()).hasValue(new PrintkRecord.DeviceInfo("pci", "+pci:0000:00:01.0"));
        assertThat(DmesgFormat.VMCORE_DMESG.format(ring.log(), new Options(false, true)))
                .isEqualTo("[    0.000000] pci 0000:00:01.0: BAR\n SUBSYSTEM=pci\n DEVICE=+pci:0000:00:01.0\n");
    }

    @Test
    void rejectsAHeadTooFarAheadOfTheTail() {
        ring.ids(0, 8);

        assertThatThrownBy(ring::log).isInstanceOf(KernelDataException.class)
                .hasMessage("fake: printk_ringbuffer at 0x2000: head id 0x8 is 8 descriptors past tail id 0x0, more than the ring's 8");
    }

    @Test
    void rejectsAnAbsurdRingSize() {
        ring.memory.writeU32(FakeRing.RING, 40);

        assertThatThrownBy(ring::log).isInstanceOf(KernelDataException.class)
                .hasMessage("fake: printk_ringbuffer at 0x2000: count_bits 40 or size_bits 8 is out of range");
    }

    @Test
    void namesTheMissingVmcoreinfoEntry() {
        var info = VmcoreInfo.parse(FakeRing.VMCOREINFO.replace("OFFSET(prb_desc.state_var)=0\n", ""));

        assertThatThrownBy(() -> Printk.log(ring.kernelMemory(), info, "fake")).isInstanceOf(KernelDataException.class)
                .hasMessage("fake: VMCOREINFO has no OFFSET(prb_desc.state_var), needed to read the printk ring buffer");
    }

    @Test
    void rejectsAnOffsetOutsideItsStructure() {
        var info = VmcoreInfo.parse(FakeRing.VMCOREINFO.replace("OFFSET(printk_info.ts_nsec)=8", "OFFSET(printk_info.ts_nsec)=84"));

        assertThatThrownBy(() -> Printk.log(ring.kernelMemory(), info, "fake"))
                .hasMessage("fake: VMCOREINFO: OFFSET(printk_info.ts_nsec)=84 does not fit a 8-byte member inside the 88-byte structure"
                        + " (reading the printk ring buffer)");
    }

    @Test
    void saysWhenNoLogBufferIsDescribed() {
        assertThatThrownBy(() -> Printk.log(ring.kernelMemory(), VmcoreInfo.parse("OSRELEASE=6.1\n"), "fake"))
                .hasMessage("fake: VMCOREINFO has neither SYMBOL(prb) (Linux 5.10+) nor SYMBOL(log_first_idx) (3.5-5.9):"
                        + " the kernel log cannot be found");
    }
}
