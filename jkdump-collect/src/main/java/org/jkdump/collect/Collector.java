package org.jkdump.collect;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jkdump.format.DumpFile;
import org.jkdump.format.ElfDump;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.PageCodec;
import org.jkdump.format.PfnBitmap;
import org.jkdump.format.PhysicalMemory;
import org.jkdump.format.Utsname;
import org.jkdump.format.write.DumpPlan;
import org.jkdump.format.write.DumpSink;
import org.jkdump.format.write.ElfDumpWriter;
import org.jkdump.format.write.FileSink;
import org.jkdump.format.write.FlattenedWriter;
import org.jkdump.format.write.KdumpWriter;
import org.jkdump.format.write.RamRange;
import org.jkdump.kernel.Kernel;

/**
 * makedumpfile's job: reads a dump (normally /proc/vmcore), leaves out the page classes the
 * dump level names, and writes the rest compressed (kdump-compressed), raw (ELF) or as a
 * flattened stream, through the formats layer's writers. Steps: bitmap 1 (RAM) from the
 * input, bitmap 2 from the {@link PageClassifier} in bounded cycles, then the
 * {@link PagePipeline}. Files are written under {@code NAME.incomplete} and renamed when
 * complete; a run cut short leaves that file marked INCOMPLETE.
 */
public final class Collector {
    /** Output layout. */
    public enum Format { KDUMP, ELF }

    /**
     * @param levels       dump levels to try in order; the next is tried when the output's file
     *                     system fills up
     * @param threads      compression threads (1: all on the calling thread)
     * @param memoryBudget bytes the pipeline may hold in flight (page batches)
     */
    /**
     * What a run does. {@code zlibBytes}: with {@link PageCodec#ZLIB}, deflate with zlib at
     * level 1 as makedumpfile does, so that the file is makedumpfile's byte for byte; otherwise
     * with the system's libdeflate when it is there ({@link NativeDeflate}: faster, and no larger).
     */
    public record Options(List<DumpLevel> levels, PageCodec codec, Format format, int threads, long memoryBudget, boolean zlibBytes) {
        /** Options with the fastest deflate at hand. */
        public Options(List<DumpLevel> levels, PageCodec codec, Format format, int threads, long memoryBudget) {
            this(levels, codec, format, threads, memoryBudget, false);
        }

        public Options {
            levels = List.copyOf(levels);
            if (levels.isEmpty()) throw new IllegalArgumentException("no dump level");
            if (threads < 1 || threads > 256) throw new JkdumpException("--num-threads " + threads + " is not between 1 and 256");
            if (memoryBudget < (4L << 20)) throw new JkdumpException("memory budget of " + memoryBudget + " bytes is below 4 MiB");
        }
    }

    /** Where the dump goes. */
    public sealed interface Output {
        /** A file, written as {@code path.incomplete} and renamed when done. */
        record ToFile(Path path) implements Output {
        }

        /** A flattened stream (makedumpfile -F), e.g. stdout. */
        record Flattened(String name, OutputStream out) implements Output {
        }

        /** makedumpfile --split: the kept frames shared out over several kdump files. */
        record Split(List<Path> paths) implements Output {
            public Split {
                paths = List.copyOf(paths);
                if (paths.size() < 2) throw new JkdumpException("--split needs at least two output files");
            }
        }
    }

    /** Cycle length of the classifier: 2^17 frames (512 MiB of RAM, 8 MiB of struct page) per cycle. */
    static final long CYCLE = 1L << 17;

    /** Pages read between two releases of the input mapping (16 MiB of 4 KiB pages), minus one. */
    static final long RELEASE_EVERY = (1 << 12) - 1;
    /** makedumpfile's PFN_EXCLUDED: a shorter run of excluded frames goes into an ELF dump as data. */
    static final int PFN_EXCLUDED = 256;

    private final DumpFile input;
    private final CollectInput source;
    private final Runnable release;
    private final Options options;
    private final Function<Path, DumpSink> sinks;
    private final PrintWriter err;

    public Collector(CollectInput input, Options options, PrintWriter err) {
        this(input, options, FileSink::create, err);
    }

    public Collector(DumpFile input, Options options, PrintWriter err) {
        this(CollectInput.of(input), options, FileSink::create, err);
    }

    /** With a sink factory of its own (tests inject write failures through it). */
    Collector(DumpFile input, Options options, Function<Path, DumpSink> sinks, PrintWriter err) {
        this(CollectInput.of(input), options, sinks, err);
    }

    private Collector(CollectInput input, Options options, Function<Path, DumpSink> sinks, PrintWriter err) {
        this.input = input.dump();
        this.source = input;
        this.release = input::release;
        this.options = options;
        this.sinks = sinks;
        this.err = err;
    }

    /** Writes the dump; returns the report of the level that fitted. */
    public CollectReport collect(Output output) {
        var levels = options.levels();
        for (int i = 0; ; i++) {
            try {
                return collect(levels.get(i), output);
            } catch (CollectFailedException e) {
                if (!e.noSpace() || i + 1 >= levels.size() || !(output instanceof Output.ToFile f)) throw e;
                err.printf("jkdump: %s%njkdump: retrying with dump level %d%n", e.getMessage(), levels.get(i + 1).bits());
                try {
                    Files.deleteIfExists(incompletePath(f.path()));
                } catch (IOException io) {
                    throw new JkdumpException(incompletePath(f.path()) + ": cannot remove: " + io.getMessage(), io);
                }
            }
        }
    }

    private CollectReport collect(DumpLevel level, Output output) {
        long t0 = System.nanoTime();
        var mem = input.memory();
        checkBitmapsFit(mem);
        Optional<Kernel> kernel = input.vmcoreinfo().isPresent() ? Optional.of(Kernel.open(input)) : Optional.empty();
        boolean elf = options.format() == Format.ELF;
        var ram = RamFrames.of(input);
        var ranges = ranges(ram, kernel);
        if (!elf) {
            // kdump's bitmap 1 has whole frames only: makedumpfile's cyclic mode (the one it runs
            // in a capture kernel's little memory) drops the partial frame at the end of a range
            // (RAM up to 0x9fc00), and so do we; its one-cycle mode, taken when the host has
            // memory to spare, keeps that frame, so the two modes differ in that one bit
            ranges = wholeFrames(ranges, mem.pageSize());
            ram = RamFrames.within(ram, ranges, mem.pageSize());
        }
        var keep = RamFrames.present(input, ram);
        long tBitmap1 = System.nanoTime();
        var counts = new ExcludedPages();
        long unreadable = 0;
        if (level.needsMemMap()) {
            var k = kernel.orElseThrow(() -> new JkdumpException(input.name()
                    + ": the dump has no VMCOREINFO, so dump level " + level.bits() + " cannot find page classes (use -d 0 or -d 1)"));
            var classifier = PageClassifier.open(k, mem.maxPfn());
            for (long from = 0, next; from < ram.size(); from = next) {
                next = classifier.classify(level, ram, keep, from, Math.min(ram.size(), from + CYCLE), counts);
                release.run();
            }
            unreadable = classifier.unreadableFrames();
        }
        if (elf && level.excludesZero()) excludeZeroPages(keep, counts);
        if (elf) keepShortRuns(keep, ranges);
        long tBitmap2 = System.nanoTime();
        var plan = new DumpPlan(mem.pageSize(), ranges, keep, input.notes(), utsname(kernel),
                kernel.flatMap(k -> boxed(k.vmcoreinfo().crashTime())).orElse(0L),
                kernel.flatMap(k -> boxed(k.vmcoreinfo().number("phys_base"))).orElse(0L), level.bits());
        long kept = keep.cardinality();
        int inFlight = (int) Math.max(2, Math.min(4L * options.threads() + 2, options.memoryBudget() / 2 / ((long) PagePipeline.BATCH * mem.pageSize() * 2)));
        var progress = Progress.forTerminal(err, kept);
        long bytes = 0;
        String name;
        try (var pipeline = new PagePipeline(mem, MappedPages.of(source), options.codec(), options.zlibBytes(), options.threads(), inFlight,
                progress, source::release)) {
            switch (output) {
                case Output.ToFile f -> {
                    bytes = writeFile(f.path(), plan, pipeline, level, counts, -1, -1, elf);
                    name = f.path().toString();
                }
                case Output.Flattened s -> {
                    var sink = new CountingSink(new FlattenedWriter(s.name(), s.out()));
                    write(sink, plan, pipeline, level, counts, -1, -1, elf);
                    bytes = sink.bytes();
                    name = s.name();
                }
                case Output.Split s -> {
                    if (elf) throw new JkdumpException("--split writes kdump-compressed files only (not -E)");
                    long[] bounds = splitBounds(keep, s.paths().size(), plan.maxPfn());
                    for (int i = 0; i < s.paths().size(); i++)
                        bytes += writeFile(s.paths().get(i), plan, pipeline, level, counts, bounds[i], bounds[i + 1], false);
                    name = String.join(", ", s.paths().stream().map(Path::toString).toList());
                }
            }
        }
        long tEnd = System.nanoTime();
        var steps = new java.util.LinkedHashMap<String, Double>();
        steps.put("Checking for memory holes", (tBitmap1 - t0) / 1e9);
        steps.put("Excluding unnecessary pages", (tBitmap2 - tBitmap1) / 1e9);
        steps.put("Copying data", (tEnd - tBitmap2) / 1e9);
        return new CollectReport(name, level, ram.cardinality(), ram.size(), counts.asMap(), kept, bytes, unreadable,
                steps, (tEnd - t0) / 1e9);
    }

    /** Frame bitmaps held at once: RAM, RAM within the written ranges, kept. */
    private static final int BITMAPS = 3;

    /**
     * The collector holds whole frame bitmaps; a dump whose memory reaches absurdly high
     * (a corrupt segment or header) is refused before they are allocated, not with an
     * OutOfMemoryError.
     */
    private void checkBitmapsFit(PhysicalMemory mem) {
        long frames = mem.maxPfn();
        long bytes = (frames + 7) / 8 * BITMAPS;
        long heap = Runtime.getRuntime().maxMemory();
        if (bytes > heap / 2)
            throw new JkdumpException(String.format("%s: its memory reaches physical address 0x%x (%d frames): the frame bitmaps would "
                    + "take %d MiB, more than half of the %d MiB heap (a corrupt header, or give the JVM more with JKDUMP_JAVA_OPTS=-Xmx...)",
                    input.name(), frames * mem.pageSize(), frames, bytes >> 20, heap >> 20));
    }

    private long writeFile(Path path, DumpPlan plan, PagePipeline pipeline, DumpLevel level, ExcludedPages counts,
                           long splitStart, long splitEnd, boolean elf) {
        if (Files.exists(path) && !Files.isRegularFile(path) && !Files.isDirectory(path)) {
            // a device or pipe (/dev/null, a disk): written in place, as makedumpfile does;
            // renaming NAME.incomplete over it would replace the device node with a file
            var sink = new CountingSink(sinks.apply(path));
            write(sink, plan, pipeline, level, counts, splitStart, splitEnd, elf);
            return sink.bytes();
        }
        var tmp = incompletePath(path);
        var sink = new CountingSink(sinks.apply(tmp));
        write(sink, plan, pipeline, level, counts, splitStart, splitEnd, elf);
        try {
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new JkdumpException(tmp + ": complete, but cannot be renamed to " + path + ": " + e.getMessage(), e);
        }
        return sink.bytes();
    }

    private void write(CountingSink sink, DumpPlan plan, PagePipeline pipeline, DumpLevel level, ExcludedPages counts,
                       long splitStart, long splitEnd, boolean elf) {
        long total = splitStart < 0 ? plan.keep().cardinality() : plan.keep().count(splitStart, splitEnd);
        if (elf) {
            ElfDumpWriter w = null;
            try {
                w = ElfDumpWriter.create(sink, plan, ElfDumpWriter.Options.defaults());
                pipeline.writeElf(plan.keep(), w);
                w.finish();
            } catch (RuntimeException e) {
                throw failed(sink, w == null ? 0 : w.pagesWritten(), total, e, w);
            }
        } else {
            var opts = KdumpWriter.Options.of(options.codec());
            if (splitStart >= 0) opts = opts.split(splitStart, splitEnd);
            KdumpWriter w = null;
            try {
                w = KdumpWriter.create(sink, plan, opts);
                pipeline.writeKdump(plan.keep(), splitStart < 0 ? 0 : splitStart, splitStart < 0 ? plan.maxPfn() : splitEnd, w,
                        counts, level.excludesZero());
                w.finish();
            } catch (RuntimeException e) {
                throw failed(sink, w == null ? 0 : w.pagesWritten(), total, e, w);
            }
        }
    }

    private static CollectFailedException failed(CountingSink sink, long written, long total, RuntimeException e,
                                                 org.jkdump.format.write.DumpWriter w) {
        if (w != null) {
            try {
                w.finishIncomplete();
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
        } else {
            try {
                sink.close();
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
        }
        boolean noSpace = causeMentions(e, "No space left on device");
        return new CollectFailedException(String.format("%s: dump cut short after %d of %d pages, left marked INCOMPLETE: %s",
                sink.name(), written, total, e.getMessage()), noSpace, e);
    }

    private static boolean causeMentions(Throwable t, String text) {
        for (; t != null; t = t.getCause())
            if (t.getMessage() != null && t.getMessage().contains(text)) return true;
        return false;
    }

    static Path incompletePath(Path p) {
        return p.resolveSibling(p.getFileName() + ".incomplete");
    }

    /** ELF output must know its zero pages before the program headers: read the kept pages once more. */
    private void excludeZeroPages(PfnBitmap keep, ExcludedPages counts) {
        var mem = input.memory();
        var page = new byte[mem.pageSize()];
        long read = 0;
        for (long p = keep.nextSetBit(0); p >= 0; p = keep.nextSetBit(p + 1)) {
            mem.readPage(p, page, 0);
            if ((++read & RELEASE_EVERY) == 0) release.run();
            if (ZeroPage.test(page, 0, page.length)) {
                keep.clear(p);
                counts.add(PageClass.ZERO, 1);
            }
        }
    }

    /**
     * makedumpfile -E writes a run of fewer than {@link #PFN_EXCLUDED} excluded frames that a
     * kept frame follows in the same RAM range as data (its PFN_EXCLUDED rule), so its PT_LOADs
     * stay few and those frames readable: often lone zero pages the kernel reads, such as part
     * of its static printk descriptors, without which a reader cannot even print the log. They
     * still count as excluded, as makedumpfile counts them. A run holding a frame the input
     * lacks stays out: there is nothing to write for it.
     */
    private void keepShortRuns(PfnBitmap keep, List<RamRange> ranges) {
        var mem = input.memory();
        int ps = mem.pageSize();
        for (var r : ranges) {
            long end = Math.min(keep.size(), Long.divideUnsigned(r.paddr() + r.size() + ps - 1, ps));
            for (long p = r.paddr() / ps; p < end; ) {
                long next = keep.nextSetBit(p);
                if (next < 0 || next >= end) break;  // a range's trailing run is left to p_memsz
                if (next - p < PFN_EXCLUDED && presentRun(mem, p, next)) keep.set(p, next);
                p = keep.nextClearBit(next);
            }
        }
    }

    private static boolean presentRun(PhysicalMemory mem, long from, long to) {
        for (long p = from; p < to; p++) if (!mem.isPresent(p)) return false;
        return true;
    }

    /** The frames where each split file starts: equal shares of the kept frames, as makedumpfile divides them. */
    static long[] splitBounds(PfnBitmap keep, int n, long maxPfn) {
        long kept = keep.cardinality();
        var bounds = new long[n + 1];
        bounds[n] = maxPfn;
        long seen = 0;
        int next = 1;
        for (long p = keep.nextSetBit(0); p >= 0 && next < n; p = keep.nextSetBit(p + 1)) {
            while (next < n && seen == kept * next / n) bounds[next++] = p;
            seen++;
        }
        for (; next < n; next++) bounds[next] = maxPfn;
        for (int i = 1; i <= n; i++)
            if (bounds[i] <= bounds[i - 1]) bounds[i] = Math.min(maxPfn, bounds[i - 1] + 1);
        return bounds;
    }

    /**
     * The RAM ranges to describe: an ELF input's PT_LOADs with the kernel-text alias dropped
     * (it repeats frames a RAM segment covers), or else runs of bitmap 1 at their direct-map
     * addresses.
     */
    private List<RamRange> ranges(PfnBitmap ram, Optional<Kernel> kernel) {
        var out = new ArrayList<RamRange>();
        int ps = input.memory().pageSize();
        if (input instanceof ElfDump e) {
            var segs = new ArrayList<>(e.segments());
            segs.sort(Comparator.comparingLong(ElfDump.Segment::paddr).thenComparing(Comparator.comparingLong(ElfDump.Segment::memSize).reversed()));
            long end = 0;
            for (var s : segs) {
                if (s.memSize() == 0 || s.paddr() < end) continue;
                out.add(new RamRange(s.paddr(), s.memSize(), s.vaddr()));
                end = s.paddr() + s.memSize();
            }
            return out;
        }
        long base = kernel.flatMap(k -> k.memory().layout().pageOffset()).map(b -> b.address()).orElse(0L);
        for (long p = ram.nextSetBit(0); p >= 0; ) {
            long q = ram.nextClearBit(p);
            if (q < 0 || q > ram.size()) q = ram.size();
            out.add(new RamRange(p * ps, (q - p) * ps, base == 0 ? 0 : base + p * ps));
            p = q >= ram.size() ? -1 : ram.nextSetBit(q);
        }
        return out;
    }

    private static List<RamRange> wholeFrames(List<RamRange> ranges, int ps) {
        var out = new ArrayList<RamRange>();
        for (var r : ranges) {
            long lo = (r.paddr() + ps - 1) / ps * ps, hi = r.end() / ps * ps;
            if (hi > lo) out.add(new RamRange(lo, hi - lo, r.vaddr() + (lo - r.paddr())));
        }
        return out;
    }

    /** init_uts_ns's name, for the kdump header. */
    private static Utsname utsname(Optional<Kernel> kernel) {
        if (kernel.isEmpty()) return Utsname.linux("", "");
        var info = kernel.get().vmcoreinfo();
        var sym = info.symbol("init_uts_ns");
        if (sym.isEmpty()) return Utsname.linux(info.osRelease().orElse(""), "");
        try {
            var b = kernel.get().memory().read(sym.getAsLong() + info.offset("uts_namespace", "name").orElse(0), Utsname.SIZE);
            var f = new String[6];
            for (int i = 0; i < 6; i++) {
                int o = i * Utsname.FIELD, n = 0;
                while (n < Utsname.FIELD && b[o + n] != 0) n++;
                f[i] = new String(b, o, n, StandardCharsets.ISO_8859_1);
            }
            return new Utsname(f[0], f[1], f[2], f[3], f[4], f[5]);
        } catch (JkdumpException e) {
            return Utsname.linux(info.osRelease().orElse(""), "");
        }
    }

    private static Optional<Long> boxed(java.util.OptionalLong v) {
        return v.isPresent() ? Optional.of(v.getAsLong()) : Optional.empty();
    }

    /** Counts the bytes a sink's file ends up holding (the highest offset written). */
    static final class CountingSink implements DumpSink {
        private final DumpSink inner;
        private long end;

        CountingSink(DumpSink inner) {
            this.inner = inner;
        }

        long bytes() {
            return end;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public void write(long offset, byte[] b, int off, int len) {
            inner.write(offset, b, off, len);
            end = Math.max(end, offset + len);
        }

        @Override
        public void write(long offset, java.nio.ByteBuffer src) {
            int len = src.remaining();
            inner.write(offset, src);
            end = Math.max(end, offset + len);
        }

        @Override
        public boolean prefersDirectBuffers() {
            return inner.prefersDirectBuffers();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
