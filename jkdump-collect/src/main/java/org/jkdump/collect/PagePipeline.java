package org.jkdump.collect;

import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.PageCodec;
import org.jkdump.format.PfnBitmap;
import org.jkdump.format.PhysicalMemory;
import org.jkdump.format.write.CompressedPage;
import org.jkdump.format.write.DumpWriter;
import org.jkdump.format.write.ElfDumpWriter;
import org.jkdump.format.write.KdumpWriter;
import org.jkdump.format.write.PageEncoder;

/**
 * The collector's pipeline: the calling thread reads the kept frames in frame order into
 * batches, a fixed pool compresses the batches, and the calling thread writes the finished
 * batches in the order it read them — so the output is byte-identical for any thread count.
 * At most {@code inFlight} batches exist at once (a bounded queue of futures), which bounds
 * memory whatever the dump's size. With one thread nothing is handed off at all (the capture
 * kernel usually has one CPU).
 */
final class PagePipeline implements AutoCloseable {
    static final int BATCH = 64;

    private final PhysicalMemory in;
    private final PageCodec codec;
    private final int pageSize;
    private final int inFlight;
    private final ExecutorService pool;
    private final ThreadLocal<Worker> workers;
    private final Progress progress;
    private final Runnable release;
    private long read;

    /** Per-thread compression state: the formats layer's encoder and the random-page test. */
    private record Worker(PageEncoder encoder, RandomPage random) {
    }

    /** Frames read but not yet written, with their bytes and (once compressed) their encoded forms. */
    private static final class Batch {
        final long[] pfns = new long[BATCH];
        final byte[] pages;
        final CompressedPage[] encoded = new CompressedPage[BATCH];
        int count;

        Batch(int pageSize) {
            pages = new byte[BATCH * pageSize];
        }
    }

    PagePipeline(PhysicalMemory in, PageCodec codec, int threads, int inFlight, Progress progress, Runnable release) {
        this.release = release;
        this.in = in;
        this.codec = codec;
        this.pageSize = in.pageSize();
        this.inFlight = Math.max(1, inFlight);
        this.pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
            var t = new Thread(r, "jkdump-compress");
            t.setDaemon(true);
            return t;
        }) : null;
        this.workers = ThreadLocal.withInitial(() -> new Worker(new PageEncoder(codec, pageSize), new RandomPage()));
        this.progress = progress;
    }

    /**
     * Compresses and writes every frame {@code keep} marks in {@code [from, to)} through
     * {@code writer}, counting zero pages into {@code counts} when {@code countZero}.
     */
    void writeKdump(PfnBitmap keep, long from, long to, KdumpWriter writer, ExcludedPages counts, boolean countZero) {
        var queue = new ArrayDeque<Future<Batch>>();
        var inline = new ArrayDeque<Batch>();
        long pfn = keep.nextSetBit(from);
        while (pfn >= 0 && pfn < to) {
            var batch = new Batch(pageSize);
            while (batch.count < BATCH && pfn >= 0 && pfn < to) {
                in.readPage(pfn, batch.pages, batch.count * pageSize);
                if ((++read & Collector.RELEASE_EVERY) == 0) release.run();
                batch.pfns[batch.count++] = pfn;
                pfn = keep.nextSetBit(pfn + 1);
            }
            if (pool == null) {
                inline.add(encode(batch));
                drain(inline.poll(), writer, counts, countZero);
                continue;
            }
            if (queue.size() >= inFlight) drain(await(queue.poll()), writer, counts, countZero);
            queue.add(pool.submit(() -> encode(batch)));
        }
        while (!queue.isEmpty()) drain(await(queue.poll()), writer, counts, countZero);
    }

    /** Writes every frame {@code keep} marks through an ELF writer: pages go raw, no compression. */
    void writeElf(PfnBitmap keep, ElfDumpWriter writer) {
        var page = new byte[pageSize];
        for (long pfn = keep.nextSetBit(0); pfn >= 0; pfn = keep.nextSetBit(pfn + 1)) {
            in.readPage(pfn, page, 0);
            if ((++read & Collector.RELEASE_EVERY) == 0) release.run();
            writer.writePage(pfn, page, 0);
            progress.pages(1, pageSize);
        }
    }

    private Batch encode(Batch b) {
        var w = workers.get();
        for (int i = 0; i < b.count; i++) {
            int off = i * pageSize;
            if ((codec == PageCodec.ZLIB || codec == PageCodec.ZSTD) && w.random().test(b.pages, off, pageSize)) {
                // stored raw: zlib/zstd would not have made it smaller
                b.encoded[i] = new CompressedPage(b.pfns[i], PageCodec.NONE,
                        java.util.Arrays.copyOfRange(b.pages, off, off + pageSize), pageSize, false);
            } else {
                b.encoded[i] = w.encoder().encode(b.pfns[i], b.pages, off);
            }
        }
        return b;
    }

    private void drain(Batch b, DumpWriter writer, ExcludedPages counts, boolean countZero) {
        var kdump = (KdumpWriter) writer;
        for (int i = 0; i < b.count; i++) {
            var p = b.encoded[i];
            if (countZero && p.zero()) counts.add(PageClass.ZERO, 1);
            kdump.writeCompressed(p);
        }
        progress.pages(b.count, (long) b.count * pageSize);
    }

    private static Batch await(Future<Batch> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JkdumpException("interrupted while compressing pages");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new JkdumpException("compressing pages failed: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}
