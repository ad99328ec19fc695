package org.jkdump.format.write;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jkdump.format.ElfDump;

/**
 * Writes an ELF64 core (ET_CORE, EM_X86_64) like makedumpfile -E: a PT_NOTE with the plan's
 * notes, then for each RAM range one PT_LOAD per run of kept frames, whose {@code p_memsz}
 * runs on over the excluded frames after it ({@code p_filesz < p_memsz}); a range that starts
 * with excluded frames gets a data-less PT_LOAD for them. It writes the plan's kept frames and
 * no others (makedumpfile's rule of writing short runs of excluded frames as data is the
 * collector's, which keeps those frames in the plan). More than 65534 program
 * headers go through PN_XNUM (the count in section header 0's {@code sh_info}). Until
 * {@link #finish()} the header carries DUMP_ELF_INCOMPLETE in {@code e_flags}.
 */
public final class ElfDumpWriter implements DumpWriter {
    /**
     * @param sectionHeaderFirst put section header 0 right after the ELF header, before the
     *                           program headers, as QEMU's dump-guest-memory does
     */
    public record Options(boolean sectionHeaderFirst) {
        public static Options defaults() {
            return new Options(false);
        }
    }

    /** One PT_LOAD to write. */
    private record Load(long paddr, long vaddr, long fileSize, long memSize) {
    }

    private static final int EHDR = 64, PHDR = 56, SHDR = 64, PN_XNUM = 0xffff, DATA_BUFFER = 1 << 20;

    private final DumpSink sink;
    private final DumpPlan plan;
    private final int pageSize;
    private final byte[] ehdr;
    private final byte[] data = new byte[DATA_BUFFER];
    private long dataFileOffset;
    private int dataFill;
    private int rangeIndex;
    private long next, written;
    private boolean done;

    private ElfDumpWriter(DumpSink sink, DumpPlan plan, Options options) {
        this.sink = sink;
        this.plan = plan;
        this.pageSize = plan.pageSize();
        long loads = forEachLoad(l -> { });
        long phnum = 1 + loads;
        boolean xnum = phnum >= PN_XNUM;
        int shnum = xnum || options.sectionHeaderFirst() ? 1 : 0;
        long phoff = options.sectionHeaderFirst() ? EHDR + SHDR : EHDR;
        long shoff = shnum == 0 ? 0 : options.sectionHeaderFirst() ? EHDR : EHDR + phnum * PHDR;
        long notesOffset = EHDR + phnum * PHDR + (long) shnum * SHDR;
        byte[] notes = notes(plan);
        long dataStart = notesOffset + notes.length;

        ehdr = new byte[EHDR];
        var e = ByteBuffer.wrap(ehdr).order(ByteOrder.LITTLE_ENDIAN);
        e.put(new byte[]{0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        e.putShort(16, (short) 4).putShort(18, (short) 62).putInt(20, 1).putLong(32, phoff).putLong(40, shoff)
                .putInt(48, ElfDump.DUMP_ELF_INCOMPLETE).putShort(52, (short) EHDR).putShort(54, (short) PHDR)
                .putShort(56, (short) (xnum ? PN_XNUM : phnum)).putShort(58, (short) (shnum == 0 ? 0 : SHDR))
                .putShort(60, (short) shnum).putShort(62, (short) 0);
        sink.write(0, ehdr, 0, EHDR);
        if (shnum > 0) {
            var sh = ByteBuffer.allocate(SHDR).order(ByteOrder.LITTLE_ENDIAN).putInt(44, xnum ? (int) phnum : 0);
            sink.write(shoff, sh.array(), 0, SHDR);
        }

        // Program headers, streamed: PT_NOTE, then every PT_LOAD with its data offset.
        var buf = ByteBuffer.allocate(PHDR * 1024).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(4).putInt(0).putLong(notesOffset).putLong(0).putLong(0).putLong(notes.length).putLong(notes.length).putLong(0);
        long[] at = {phoff, dataStart};
        forEachLoad(l -> {
            if (!buf.hasRemaining()) {
                sink.write(at[0], buf.array(), 0, buf.position());
                at[0] += buf.position();
                buf.clear();
            }
            buf.putInt(1).putInt(7).putLong(at[1]).putLong(l.vaddr()).putLong(l.paddr())
                    .putLong(l.fileSize()).putLong(l.memSize()).putLong(0);
            at[1] += l.fileSize();
        });
        sink.write(at[0], buf.array(), 0, buf.position());
        sink.write(notesOffset, notes, 0, notes.length);

        this.dataFileOffset = dataStart;
        this.next = plan.keep().nextSetBit(0);
    }

    /** Lays out the headers for {@code plan} and writes them to {@code sink}. */
    public static ElfDumpWriter create(DumpSink sink, DumpPlan plan, Options options) {
        return new ElfDumpWriter(sink, plan, options);
    }

    private static byte[] notes(DumpPlan plan) {
        var out = new java.io.ByteArrayOutputStream();
        for (var n : plan.notes()) out.writeBytes(KdumpWriter.encodeNote(n));
        return out.toByteArray();
    }

    /** Calls {@code action} for each PT_LOAD in file order; returns how many. */
    private long forEachLoad(java.util.function.Consumer<Load> action) {
        var keep = plan.keep();
        long count = 0;
        for (var r : plan.ranges()) {
            long lo = r.paddr() / pageSize, hi = (r.end() + pageSize - 1) / pageSize;
            long k = keep.nextSetBit(lo);
            if (k < 0 || k >= hi) k = hi;
            if (k * pageSize > r.paddr()) {  // leading excluded frames (or the whole range)
                long memEnd = Math.min(r.end(), k * pageSize);
                action.accept(new Load(r.paddr(), r.vaddr(), 0, memEnd - r.paddr()));
                count++;
            }
            while (k < hi) {
                long runEnd = Math.min(keep.nextClearBit(k), hi);
                long nextKept = keep.nextSetBit(runEnd);
                if (nextKept < 0 || nextKept > hi) nextKept = hi;
                long segStart = Math.max(r.paddr(), k * pageSize);
                long fileEnd = Math.min(r.end(), runEnd * pageSize);
                long memEnd = Math.min(r.end(), nextKept * pageSize);
                action.accept(new Load(segStart, r.vaddr() + (segStart - r.paddr()), fileEnd - segStart, memEnd - segStart));
                count++;
                k = nextKept;
            }
        }
        return count;
    }

    @Override
    public long nextPfn() {
        return next;
    }

    @Override
    public long pagesWritten() {
        return written;
    }

    @Override
    public void writePage(long pfn, byte[] page, int off) {
        if (done) throw new IllegalStateException(sink.name() + ": the dump is already finished");
        if (pfn != next)
            throw new IllegalArgumentException(String.format("frame 0x%x written out of order: the next kept frame is %s",
                    pfn, next < 0 ? "none (all written)" : "0x" + Long.toHexString(next)));
        long lo = pfn * pageSize, hi = lo + pageSize;
        var ranges = plan.ranges();
        while (rangeIndex < ranges.size() && ranges.get(rangeIndex).end() <= lo) rangeIndex++;
        // The bytes of the frame inside each RAM range it touches, in range order (a frame may straddle two).
        for (int i = rangeIndex; i < ranges.size() && ranges.get(i).paddr() < hi; i++) {
            var r = ranges.get(i);
            long a = Math.max(lo, r.paddr()), b = Math.min(hi, r.end());
            if (a < b) append(page, off + (int) (a - lo), (int) (b - a));
        }
        written++;
        next = plan.keep().nextSetBit(pfn + 1);
    }

    private void append(byte[] b, int off, int len) {
        if (dataFill + len > data.length) flush();
        System.arraycopy(b, off, data, dataFill, len);
        dataFill += len;
    }

    private void flush() {
        if (dataFill > 0) sink.write(dataFileOffset, data, 0, dataFill);
        dataFileOffset += dataFill;
        dataFill = 0;
    }

    @Override
    public void finish() {
        if (done) return;
        if (next >= 0)
            throw new IllegalStateException(String.format("%s: %d kept frames not written yet, the next is 0x%x; "
                    + "call finishIncomplete() to end a dump cut short", sink.name(), plan.keep().count(next, Long.MAX_VALUE), next));
        flush();
        ByteBuffer.wrap(ehdr).order(ByteOrder.LITTLE_ENDIAN).putInt(48, 0);
        sink.write(0, ehdr, 0, EHDR);
        done = true;
        sink.close();
    }

    @Override
    public void finishIncomplete() {
        if (done) return;
        done = true;
        try {
            flush();
        } finally {
            sink.close();
        }
    }
}
