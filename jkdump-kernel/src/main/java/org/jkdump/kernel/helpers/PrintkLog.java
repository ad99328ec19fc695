package org.jkdump.kernel.helpers;

import java.util.List;
import java.util.Optional;

/**
 * The kernel log as read from a dump: its records in order, oldest first, and which buffer
 * held them. For the 3.5–5.9 record buffer, {@code wrapMarker} is the end-of-buffer marker
 * (a zeroed header with len 0) when the walk passed it: vmcore-dmesg prints that header as a
 * record of its own, before the record at {@code wrapMarker.before()}.
 */
public record PrintkLog(Buffer buffer, List<PrintkRecord> records, Optional<WrapMarker> wrapMarker) {
    public PrintkLog {
        records = List.copyOf(records);
    }

    /** The two log buffer designs. */
    public enum Buffer {
        /** Linux 5.10+: struct printk_ringbuffer (prb) of descriptors, infos and a text data ring */
        LOCKLESS_RING,
        /** Linux 3.5–5.9: variable-length struct printk_log records in log_buf */
        RECORD_BUFFER
    }

    /** The record buffer's end-of-buffer marker, read as the header it is, met before record {@code before}. */
    public record WrapMarker(int before, PrintkRecord header) {
    }
}
