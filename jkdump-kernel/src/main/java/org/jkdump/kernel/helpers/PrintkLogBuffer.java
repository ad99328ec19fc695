package org.jkdump.kernel.helpers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.KernelDataException;
import org.jkdump.kernel.KernelMemory;
import org.jkdump.kernel.helpers.PrintkLog.WrapMarker;
import org.jkdump.kernel.helpers.PrintkRecord.CallerId;
import org.jkdump.kernel.helpers.PrintkRecord.DeviceInfo;
import org.jkdump.kernel.helpers.PrintkRecord.TextBlock;

/**
 * The variable-length record buffer of Linux 3.5–5.9 (kernel/printk/printk.c): {@code log_buf}
 * of {@code log_buf_len} bytes holds struct printk_log headers (named {@code log} before
 * 3.11), each followed by its text and dictionary, from {@code log_first_idx} to
 * {@code log_next_idx}. A header with len 0 marks the end of the used buffer: the next record
 * is at index 0.
 */
final class PrintkLogBuffer {
    private static final long MAX_BUFFER = 1L << 31;  // LOG_BUF_LEN_MAX

    /** struct printk_log offsets from VMCOREINFO. */
    record Layout(long logBuf, long logBufLen, long firstIdx, long nextIdx, long headerSize, long tsNsec, long len,
                  long textLen, OptionalLong dictLen, OptionalLong callerId, OptionalLong facility, OptionalLong flagsLevel) {

        static Layout of(VmcoreInfo info, String dump) {
            var v = new VmcoreLayout(info, dump, "the printk log buffer");
            // struct log was renamed struct printk_log in Linux 3.11
            String type = info.size("printk_log").isPresent() ? "printk_log" : "log";
            long size = v.size(type);
            long textLen = v.offset(type, "text_len", 2, size);
            var dictLen = v.optionalOffset(type, "dict_len", 2, size);
            var callerId = v.optionalOffset(type, "caller_id", 4, size);
            // No VMCOREINFO offset for facility and the flags:5/level:3 byte: they follow the u16
            // dict_len and end the header, or precede the u32 caller_id (CONFIG_PRINTK_CALLER).
            boolean gapFits = dictLen.isPresent() && (callerId.isPresent()
                    ? callerId.getAsLong() == dictLen.getAsLong() + 4 : size == dictLen.getAsLong() + 4);
            return new Layout(v.symbol("log_buf"), v.symbol("log_buf_len"), v.symbol("log_first_idx"), v.symbol("log_next_idx"),
                    size, v.offset(type, "ts_nsec", 8, size), v.offset(type, "len", 2, size), textLen, dictLen, callerId,
                    gapFits ? OptionalLong.of(dictLen.getAsLong() + 2) : OptionalLong.empty(),
                    gapFits ? OptionalLong.of(dictLen.getAsLong() + 3) : OptionalLong.empty());
        }
    }

    private PrintkLogBuffer() {
    }

    static PrintkLog read(KernelMemory memory, VmcoreInfo info, String dump) {
        var l = Layout.of(info, dump);
        long logBuf = memory.u64(l.logBuf());
        long length = memory.u32(l.logBufLen());
        long first = memory.u32(l.firstIdx()), next = memory.u32(l.nextIdx());
        if (length < l.headerSize() || length > MAX_BUFFER)
            throw new KernelDataException(String.format("%s: log_buf_len %d (at 0x%x) is not a plausible log buffer size", dump, length, l.logBufLen()));
        if (first > length - l.headerSize() || next > length)
            throw new KernelDataException(String.format("%s: log_first_idx 0x%x or log_next_idx 0x%x lies outside log_buf (0x%x bytes at 0x%x)",
                    dump, first, next, length, logBuf));
        var buf = new StructBytes(memory.read(logBuf, (int) length));
        var records = new ArrayList<PrintkRecord>();
        Optional<WrapMarker> marker = Optional.empty();
        long idx = first;
        long maxRecords = length / l.headerSize() + 1;
        while (idx != next) {
            if (idx > length - l.headerSize() || records.size() > maxRecords)
                throw corrupt(dump, logBuf, idx, "a record header would extend past the buffer's end");
            int len = buf.u16(idx + l.len());
            if (len == 0) {
                if (marker.isPresent()) throw corrupt(dump, logBuf, idx, "the walk met the end-of-buffer marker twice");
                marker = Optional.of(new WrapMarker(records.size(), record(l, buf, idx, length)));
                idx = 0;
                continue;
            }
            if (len < l.headerSize() || idx + len > length)
                throw corrupt(dump, logBuf, idx, "record length " + len + " is shorter than its header or runs past the buffer");
            records.add(record(l, buf, idx, idx + len));
            idx += len;
        }
        return new PrintkLog(PrintkLog.Buffer.RECORD_BUFFER, records, marker);
    }

    private static KernelDataException corrupt(String dump, long logBuf, long idx, String what) {
        return new KernelDataException(String.format("%s: printk log_buf at 0x%x, index 0x%x: %s", dump, logBuf, idx, what));
    }

    /** The record at {@code idx}; its text and dictionary may use the bytes up to {@code end}. */
    private static PrintkRecord record(Layout l, StructBytes buf, long idx, long end) {
        long textStart = idx + l.headerSize();
        int textLen = (int) Math.min(buf.u16(idx + l.textLen()), end - textStart);
        var text = buf.slice(textStart, textLen);
        Optional<DeviceInfo> device = Optional.empty();
        if (l.dictLen().isPresent()) {
            int dictLen = (int) Math.min(buf.u16(idx + l.dictLen().getAsLong()), end - textStart - textLen);
            device = dictionary(buf.slice(textStart + textLen, dictLen));
        }
        OptionalInt level = OptionalInt.empty(), facility = OptionalInt.empty();
        if (l.flagsLevel().isPresent()) {
            level = OptionalInt.of(buf.u8(idx + l.flagsLevel().getAsLong()) >>> 5);
            facility = OptionalInt.of(buf.u8(idx + l.facility().getAsLong()));
        }
        var caller = l.callerId().isPresent() ? Optional.of(new CallerId(buf.u32(idx + l.callerId().getAsLong()))) : Optional.<CallerId>empty();
        return new PrintkRecord(OptionalLong.empty(), buf.u64(idx + l.tsNsec()), level, facility, caller, text,
                TextBlock.STORED, device);
    }

    /** dev_printk()'s dictionary: NUL-separated KEY=value pairs, of which SUBSYSTEM and DEVICE are defined. */
    private static Optional<DeviceInfo> dictionary(byte[] dict) {
        String subsystem = "", device = "";
        for (var pair : new String(dict, StandardCharsets.UTF_8).split("\0")) {
            if (pair.startsWith("SUBSYSTEM=")) subsystem = pair.substring(10);
            else if (pair.startsWith("DEVICE=")) device = pair.substring(7);
        }
        return subsystem.isEmpty() && device.isEmpty() ? Optional.empty() : Optional.of(new DeviceInfo(subsystem, device));
    }
}
