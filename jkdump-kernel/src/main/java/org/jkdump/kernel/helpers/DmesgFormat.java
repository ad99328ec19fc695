package org.jkdump.kernel.helpers;

import java.nio.charset.StandardCharsets;

/**
 * The text layouts of the two standard kernel-log extractors, reproduced byte for byte: one
 * line per record, {@code [%5lu.%06lu] } (seconds and microseconds of the timestamp) and the
 * text, bytes other than printable ASCII and white space written as {@code \xNN}. The output is
 * pure ASCII.
 * <ul>
 * <li>{@link #MAKEDUMPFILE}: {@code makedumpfile --dump-dmesg}. Continuation lines (a newline
 *     inside a record) are indented to the text's column; a byte above 0x7f is escaped as the
 *     sign-extended C char it is ({@code \xffffffc3}); records without a text block (empty
 *     lines, lost text) are left out. makedumpfile 1.7.5 and later also print the caller id
 *     whenever the dump has one; {@link Options#callerIds} reproduces that.</li>
 * <li>{@link #VMCORE_DMESG}: kexec-tools' vmcore-dmesg. No indentation, {@code \xc3}, every
 *     record printed (a record without text as its timestamp alone), and in the 3.5–5.9 record
 *     buffer the end-of-buffer marker printed as a record of its own.</li>
 * </ul>
 * With {@link Options#deviceInfo} a dev_printk() record is followed by its origin as
 * /dev/kmsg shows it: {@code  SUBSYSTEM=pci} and {@code  DEVICE=+pci:0000:00:01.0} lines.
 */
public enum DmesgFormat {
    MAKEDUMPFILE, VMCORE_DMESG;

    /** What to add to the reference layout. */
    public record Options(boolean callerIds, boolean deviceInfo) {
        public static final Options NONE = new Options(false, false);
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Appends {@code log} in this layout to {@code out}. */
    public void write(PrintkLog log, Options options, StringBuilder out) {
        var records = log.records();
        for (int i = 0; i < records.size(); i++) {
            if (this == VMCORE_DMESG && log.wrapMarker().isPresent() && log.wrapMarker().get().before() == i)
                writeRecord(log.wrapMarker().get().header(), options, out);
            writeRecord(records.get(i), options, out);
        }
        if (this == VMCORE_DMESG && log.wrapMarker().isPresent() && log.wrapMarker().get().before() == records.size())
            writeRecord(log.wrapMarker().get().header(), options, out);
    }

    /** The whole log as a string. */
    public String format(PrintkLog log, Options options) {
        var sb = new StringBuilder(log.records().size() * 100);
        write(log, options, sb);
        return sb.toString();
    }

    private void writeRecord(PrintkRecord r, Options options, StringBuilder out) {
        if (this == MAKEDUMPFILE && r.textBlock() != PrintkRecord.TextBlock.STORED) return;
        int lineStart = out.length();
        timestamp(r.timestampNs(), out);
        if (options.callerIds() && r.caller().isPresent()) {
            // makedumpfile: "[%*s] " with PID_CHARS_DEFAULT (8)
            var id = r.caller().get().toString();
            out.append('[');
            for (int i = id.length(); i < 8; i++) out.append(' ');
            out.append(id).append("] ");
        }
        escape(r.text(), out.length() - lineStart, out);
        out.append('\n');
        if (options.deviceInfo() && r.device().isPresent()) {
            var d = r.device().get();
            if (!d.subsystem().isEmpty()) deviceLine("SUBSYSTEM=", d.subsystem(), out);
            if (!d.device().isEmpty()) deviceLine("DEVICE=", d.device(), out);
        }
    }

    private void deviceLine(String key, String value, StringBuilder out) {
        out.append(' ').append(key);
        escape(value.getBytes(StandardCharsets.UTF_8), 0, out);
        out.append('\n');
    }

    private void escape(byte[] text, int indent, StringBuilder out) {
        for (byte b : text) {
            int c = b & 0xff;
            if (c == '\n' && this == MAKEDUMPFILE) {
                out.append('\n');
                for (int i = 0; i < indent; i++) out.append(' ');
            } else if (c >= 0x20 && c < 0x7f || c >= '\t' && c <= '\r') {
                out.append((char) c);  // C-locale isprint() || isspace()
            } else {
                out.append("\\x");
                if (c >= 0x80 && this == MAKEDUMPFILE) out.append("ffffff");  // printf("%02x") of a negative char
                out.append(HEX[c >>> 4]).append(HEX[c & 15]);
            }
        }
    }

    /** {@code [%5llu.%06llu] } of seconds and microseconds, without String.format's cost. */
    private static void timestamp(long ns, StringBuilder out) {
        long sec = Long.divideUnsigned(ns, 1_000_000_000L);
        long usec = Long.remainderUnsigned(ns, 1_000_000_000L) / 1000;
        out.append('[');
        var s = Long.toUnsignedString(sec);
        for (int i = s.length(); i < 5; i++) out.append(' ');
        out.append(s).append('.');
        var u = Long.toString(usec);
        for (int i = u.length(); i < 6; i++) out.append('0');
        out.append(u).append("] ");
    }
}
