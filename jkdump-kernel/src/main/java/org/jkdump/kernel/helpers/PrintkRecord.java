package org.jkdump.kernel.helpers;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One record of the kernel log (struct printk_info + its text in the lockless ring of Linux
 * 5.10+, or struct printk_log + text + dictionary in the record buffer of 3.5–5.9).
 *
 * @param sequence    the kernel's sequence number (printk_info.seq); the 3.5–5.9 buffer's
 *                    sequence is not reachable from VMCOREINFO, so it is empty there
 * @param timestampNs local_clock() at the printk, in nanoseconds since boot
 * @param level       log level 0–7 and {@code facility}: present when their offsets are known
 *                    (VMCOREINFO does not export them; see {@link Printk})
 * @param caller      who printed it, when the kernel recorded it
 * @param text        the text bytes as stored (UTF-8 by convention, not by guarantee); this
 *                    array is shared, do not modify it
 * @param textBlock   whether the text was stored, deliberately empty, or lost
 * @param device      the dev_printk() origin (dev_printk_info, or the SUBSYSTEM=/DEVICE= dictionary)
 */
public record PrintkRecord(OptionalLong sequence, long timestampNs, OptionalInt level, OptionalInt facility,
                           Optional<CallerId> caller, byte[] text, TextBlock textBlock, Optional<DeviceInfo> device) {

    /** How a record's text is stored. */
    public enum TextBlock {
        /** a data block holds the text (possibly truncated to what the block holds) */
        STORED,
        /** no data block by design: an empty line (NO_LPOS) */
        DATALESS,
        /** the text was lost: the writer could not reserve space (FAILED_LPOS) or the block is invalid */
        LOST
    }

    /**
     * printk_info.caller_id: a task's pid ("T123"), or 0x80000000 | CPU number when printed
     * outside task context ("C1").
     */
    public record CallerId(int raw) {
        static final int CPU_FLAG = 0x80000000;

        public boolean cpu() {
            return (raw & CPU_FLAG) != 0;
        }

        /** The pid or CPU number. */
        public long id() {
            return Integer.toUnsignedLong(raw & ~CPU_FLAG);
        }

        @Override
        public String toString() {
            return (cpu() ? "C" : "T") + id();
        }
    }

    /** Where a dev_printk() message came from: SUBSYSTEM (e.g. "pci") and DEVICE (e.g. "+pci:0000:00:01.0"). */
    public record DeviceInfo(String subsystem, String device) {
    }

    /** The text decoded as UTF-8, invalid bytes replaced. */
    public String textString() {
        return new String(text, StandardCharsets.UTF_8);
    }
}
