package org.jkdump.crash.commands;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jkdump.crash.Addresses;
import org.jkdump.crash.CommandException;
import org.jkdump.crash.CommandSpec;
import org.jkdump.crash.CrashCommand;
import org.jkdump.crash.Getopt;
import org.jkdump.crash.Session;
import org.jkdump.crash.UsageException;
import org.jkdump.kernel.symbols.SymbolTable;

/**
 * {@code rd}: memory as crash shows it. Each line holds 16 bytes as 8-, 16-, 32- or 64-bit
 * values, then the bytes as ASCII; {@code -d}/{@code -D} print signed/unsigned decimal,
 * {@code -x} leaves the ASCII out, {@code -s} shows 64-bit values that are kernel addresses as
 * symbols, {@code -a} prints the memory as strings 60 characters a line, {@code -p} reads
 * physical memory. The count is in units of the display size (bytes for {@code -a}).
 */
public final class RdCommand implements CrashCommand<RdCommand.Options, RdCommand.Result> {
    /** How values are printed. */
    public enum Format { HEX, SIGNED, UNSIGNED, SYMBOLS, ASCII }

    /** Reading more than this at once is surely a typo, and would be a lot of output. */
    static final long MAX_BYTES = 16L << 20;
    private static final int LINE_BYTES = 16, ASCII_LINE = 60;

    /**
     * @param target address or symbol; @param count units to show (empty: 1, or to the NUL for -a)
     * @param end    {@code -e ADDR}: show up to this address
     */
    public record Options(String target, int unit, Format format, boolean ascii, boolean physical, long offset,
                          Optional<Long> count, Optional<String> end) {
    }

    /**
     * One output line: its address and either its values (with their symbols for -s) and the
     * bytes as ASCII, or (for -a) its text.
     */
    public record Line(long address, List<Long> values, List<String> symbols, String text) {
    }

    public record Result(long address, boolean physical, int unit, Format format, boolean ascii, List<Line> lines) {
    }

    @Override
    public CommandSpec spec() {
        return CommandSpec.of("rd", "rd [-adDsSpx][-8|-16|-32|-64][-o offs][-e addr] [address|symbol] [count]", "read memory",
                """
                Shows count values (default 1) from a kernel virtual address or symbol, 16
                bytes a line with their ASCII. Without a size flag values are 64-bit.
                  -8 -16 -32 -64  value size
                  -d / -D   signed / unsigned decimal
                  -x        no ASCII column
                  -s        64-bit values that are kernel addresses shown as symbol+offset
                  -a        the memory as text (up to the first NUL without a count)
                  -p        the address is physical
                  -o offs   start offs bytes after the address
                  -e addr   show up to addr instead of count values
                  crash> rd jiffies
                  crash> rd -32 init_uts_ns 8
                  crash> rd -a linux_banner
                  crash> rd -p 31bfb000 4""").asMinimal();
    }

    @Override
    public Options parse(List<String> raw) {
        // -8 -16 -32 -64 are words of their own; take them out before getopt sees digits
        int unit = 8;
        var args = new ArrayList<String>();
        for (var a : raw) {
            switch (a) {
                case "-8" -> unit = 1;
                case "-16" -> unit = 2;
                case "-32" -> unit = 4;
                case "-64" -> unit = 8;
                default -> args.add(a);
            }
        }
        var g = Getopt.parse("rd", args, "adDsSpxo:e:");
        var format = Format.HEX;
        if (g.has('d')) format = Format.SIGNED;
        if (g.has('D')) format = Format.UNSIGNED;
        if (g.has('s') || g.has('S')) {
            if (unit != 8) throw new UsageException("rd", "-s option is only allowed with 64-bit display");
            format = Format.SYMBOLS;
        }
        if (g.has('a')) format = Format.ASCII;
        var ops = g.operands();
        if (ops.isEmpty()) throw new UsageException("rd", "an address or symbol is needed");
        if (ops.size() > 2) throw new UsageException("rd", "too many arguments: " + String.join(" ", ops.subList(2, ops.size())));
        Optional<Long> count = Optional.empty();
        if (ops.size() == 2) {
            long c = Addresses.number(ops.get(1), ops.get(1));
            if (c <= 0) throw new UsageException("rd", "invalid count: " + ops.get(1));
            count = Optional.of(c);
        }
        long offset = g.value('o').map(v -> Addresses.number(v, v)).orElse(0L);
        boolean ascii = format == Format.HEX && !g.has('x');
        return new Options(ops.getFirst(), unit, format, ascii, g.has('p'), offset, count, g.value('e'));
    }

    @Override
    public Result run(Session session, Options o) {
        long start = (o.physical() ? Addresses.hex("rd", o.target()) : Addresses.parse(session, o.target())) + o.offset();
        long units;
        if (o.end().isPresent()) {
            long end = o.physical() ? Addresses.hex("rd", o.end().get()) : Addresses.parse(session, o.end().get());
            if (Long.compareUnsigned(end, start) <= 0) throw new CommandException("invalid ending address: " + o.end().get());
            units = Math.max(1, (end - start) / (o.format() == Format.ASCII ? 1 : o.unit()));
        } else {
            units = o.count().orElse(o.format() == Format.ASCII ? 0L : 1L);
        }
        long bytes = o.format() == Format.ASCII ? units : units * o.unit();
        if (bytes > MAX_BYTES || bytes < 0)
            throw new CommandException("count too large: %d bytes, at most %d at once".formatted(bytes, MAX_BYTES));
        var read = reader(session, o.physical());
        if (o.format() == Format.ASCII) return new Result(start, o.physical(), 1, o.format(), false, strings(read, start, units));
        byte[] data = new byte[(int) bytes];
        read.read(start, data, 0, data.length);
        var table = o.format() == Format.SYMBOLS ? session.kernel().symbols() : null;
        var lines = new ArrayList<Line>();
        for (int at = 0; at < data.length; at += LINE_BYTES) {
            int n = Math.min(LINE_BYTES, data.length - at);
            var values = new ArrayList<Long>();
            var symbols = new ArrayList<String>();
            var buf = ByteBuffer.wrap(data, at, n).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i += o.unit()) {
                long v = switch (o.unit()) {
                    case 1 -> o.format() == Format.SIGNED ? buf.get() : buf.get() & 0xffL;
                    case 2 -> o.format() == Format.SIGNED ? buf.getShort() : buf.getShort() & 0xffffL;
                    case 4 -> o.format() == Format.SIGNED ? buf.getInt() : buf.getInt() & 0xffffffffL;
                    default -> buf.getLong();
                };
                values.add(v);
                if (table != null) symbols.add(symbolic(table, v));
            }
            var text = new StringBuilder();
            for (int i = 0; i < n; i++) {
                int c = data[at + i] & 0xff;
                text.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
            }
            lines.add(new Line(start + at, values, symbols, text.toString()));
        }
        return new Result(start, o.physical(), o.unit(), o.format(), o.ascii(), lines);
    }

    /** The value as crash's -s shows it: name+off when it points into a kernel symbol, else empty. */
    private static String symbolic(SymbolTable table, long v) {
        if (v >= 0) return "";  // per-cpu offsets and small numbers are not addresses
        return table.symbolAt(v).map(s -> s.format()).orElse("");
    }

    private interface Reader {
        void read(long address, byte[] dst, int off, int len);
    }

    private static Reader reader(Session session, boolean physical) {
        if (physical) return session.dump().memory()::read;
        var mem = session.kernel().memory();
        return mem::read;
    }

    /**
     * {@code -a}: printable runs as lines of at most 60 characters, each at its address. Without
     * a count the text ends at the first byte that is not printable; with one, NULs and other
     * unprintable bytes only separate strings.
     */
    private static List<Line> strings(Reader read, long start, long count) {
        var lines = new ArrayList<Line>();
        boolean bounded = count > 0;
        long limit = bounded ? count : 4096 * 4;
        var chunk = new byte[256];
        var cur = new StringBuilder();
        long curStart = start;
        for (long done = 0; done < limit; ) {
            int n = (int) Math.min(chunk.length, Math.min(limit - done, 4096 - ((start + done) & 4095)));
            read.read(start + done, chunk, 0, n);
            for (int i = 0; i < n; i++, done++) {
                int c = chunk[i] & 0xff;
                boolean printable = c >= 0x20 && c < 0x7f;
                if (printable) {
                    if (cur.isEmpty()) curStart = start + done;
                    cur.append((char) c);
                    if (cur.length() == ASCII_LINE) {
                        lines.add(new Line(curStart, List.of(), List.of(), cur.toString()));
                        cur.setLength(0);
                    }
                    continue;
                }
                if (!cur.isEmpty()) lines.add(new Line(curStart, List.of(), List.of(), cur.toString()));
                cur.setLength(0);
                if (!bounded) return lines;
            }
        }
        if (!cur.isEmpty()) lines.add(new Line(curStart, List.of(), List.of(), cur.toString()));
        return lines;
    }

    @Override
    public void renderText(Result r, PrintWriter out) {
        for (var line : r.lines()) {
            var sb = new StringBuilder(String.format("%16x:  ", line.address()));
            if (r.format() == Format.ASCII) {
                out.println(sb.append(line.text()));
                continue;
            }
            int width = width(r.format(), r.unit());
            for (int i = 0; i < line.values().size(); i++) {
                long v = line.values().get(i);
                String s = switch (r.format()) {
                    case SIGNED -> Long.toString(v);
                    case UNSIGNED -> Long.toUnsignedString(v);
                    case SYMBOLS -> line.symbols().get(i).isEmpty() ? String.format("%016x", v) : line.symbols().get(i);
                    default -> String.format("%0" + (2 * r.unit()) + "x", v);
                };
                sb.append(r.format() == Format.SYMBOLS ? String.format("%-16s", s) : String.format("%" + width + "s", s)).append(' ');
            }
            if (r.ascii()) {
                int missing = LINE_BYTES / r.unit() - line.values().size();
                sb.append(" ".repeat(missing * (width + 1))).append("  ").append(line.text());
            }
            out.println(sb);
        }
    }

    /** crash's column widths: hex digits for the size, decimal as wide as the size's longest number. */
    static int width(Format f, int unit) {
        return switch (f) {
            case SIGNED -> switch (unit) { case 1 -> 3; case 2 -> 5; case 4 -> 12; default -> 15; };
            case UNSIGNED -> switch (unit) { case 1 -> 3; case 2 -> 5; case 4 -> 12; default -> 20; };
            default -> 2 * unit;
        };
    }
}
