package org.jkdump.collect;

import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.PageCodec;
import org.jkdump.format.PfnBitmap;
import org.jkdump.format.PhysicalMemory;
import org.jkdump.format.write.ElfDumpWriter;
import org.jkdump.format.write.KdumpWriter;

/**
 * The collector's pipeline: the calling thread hands out the kept frames in frame order in
 * batches, a fixed pool reads and compresses the batches, and the calling thread writes the
 * finished batches in the order it handed them out — so the output is byte-identical for any
 * thread count. Pages of a mapped ELF dump are read in place by the compressing thread
 * ({@link MappedPages}); others are copied in by the calling thread. At most
 * {@code inFlight} batches exist at once (a bounded queue of futures), which bounds memory
 * whatever the dump's size. With one thread nothing is handed off at all (the capture kernel
 * usually has one CPU).
 */
final class PagePipeline implements AutoCloseable {
    static final int BATCH = 64;

    private final PhysicalMemory in;
    private final Optional<MappedPages> mapped;
    private final PageCodec codec;
    private final int pageSize;
    private final int inFlight;
    private final ExecutorService pool;
    private final ThreadLocal<PageCompressor> workers;
    private final Progress progress;
    private final Release release;
    private long read;
    private long releaseFrom = Long.MAX_VALUE, releaseTo = -1;  // offsets of the pages written since the last release
    private boolean releaseAll;  // a page written since then was read the ordinary way

    /** Gives back input pages read: mapping offsets {@code [from, to)}, or all of them when {@code from} is -1. */
    interface Release {
        void range(long from, long to);
    }

    /** Frames handed out but not yet written, with (once compressed) their encoded forms back to back. */
    private static final class Batch {
        final long[] pfns = new long[BATCH];
        final long[] src = new long[BATCH];  // offset of the page in the mapping, or -1: the bytes are in pages
        byte[] pages;
        final byte[] out;
        final int[] at = new int[BATCH], len = new int[BATCH];
        final PageCodec[] codecs = new PageCodec[BATCH];
        final boolean[] zero = new boolean[BATCH];
        int count;

        Batch(int room) {
            out = new byte[BATCH * room];
        }
    }

    PagePipeline(PhysicalMemory in, Optional<MappedPages> mapped, PageCodec codec, boolean zlibBytes, int threads, int inFlight,
                 Progress progress, Release release) {
        this.release = release;
        this.in = in;
        this.mapped = mapped;
        this.codec = codec;
        this.pageSize = in.pageSize();
        this.inFlight = Math.max(1, inFlight);
        this.pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
            var t = new Thread(r, "jkdump-compress");
            t.setDaemon(true);
            return t;
        }) : null;
        this.workers = ThreadLocal.withInitial(() -> new PageCompressor(codec, zlibBytes, pageSize));
        this.progress = progress;
    }

    /**
     * Compresses and writes every frame {@code keep} marks in {@code [from, to)} through
     * {@code writer}, counting zero pages into {@code counts} when {@code countZero}.
     */
    void writeKdump(PfnBitmap keep, long from, long to, KdumpWriter writer, ExcludedPages counts, boolean countZero) {
        var queue = new ArrayDeque<Future<Batch>>();
        // batches are recycled: inFlight + 1 of them carry every page, so the heap sees no
        // per-page garbage
        var free = new ArrayDeque<Batch>();
        int room = PageCompressor.room(codec, pageSize);
        long pfn = keep.nextSetBit(from);
        var pages = mapped.orElse(null);
        while (pfn >= 0 && pfn < to) {
            var batch = free.isEmpty() ? new Batch(room) : free.poll();
            batch.count = 0;
            while (batch.count < BATCH && pfn >= 0 && pfn < to) {
                int i = batch.count++;
                batch.pfns[i] = pfn;
                long off = pages == null ? -1 : pages.offset(pfn);
                batch.src[i] = off;
                if (off < 0) {
                    if (batch.pages == null) batch.pages = new byte[BATCH * pageSize];
                    in.readPage(pfn, batch.pages, i * pageSize);
                }
                pfn = keep.nextSetBit(pfn + 1);
            }
            if (pool == null) {
                free.add(drain(encode(batch), writer, counts, countZero));
            } else {
                if (queue.size() >= inFlight) free.add(drain(await(queue.poll()), writer, counts, countZero));
                queue.add(pool.submit(() -> encode(batch)));
            }
        }
        while (!queue.isEmpty()) free.add(drain(await(queue.poll()), writer, counts, countZero));
    }

    /** Writes every frame {@code keep} marks through an ELF writer: pages go raw, no compression. */
    void writeElf(PfnBitmap keep, ElfDumpWriter writer) {
        var page = new byte[pageSize];
        long n = 0;
        for (long pfn = keep.nextSetBit(0); pfn >= 0; pfn = keep.nextSetBit(pfn + 1)) {
            in.readPage(pfn, page, 0);
            if ((++n & Collector.RELEASE_EVERY) == 0) release.range(-1, -1);
            writer.writePage(pfn, page, 0);
            progress.pages(1, pageSize);
        }
    }

    private Batch encode(Batch b) {
        var w = workers.get();
        int at = 0;
        var pages = mapped.orElse(null);
        for (int i = 0; i < b.count; i++) {
            int n = b.src[i] >= 0 ? w.encode(pages.page(b.src[i]), b.out, at) : w.encode(b.pages, i * pageSize, b.out, at);
            b.at[i] = at;
            b.zero[i] = n == PageCompressor.ZERO;
            b.codecs[i] = w.codec();
            b.len[i] = Math.max(0, n);
            at += b.len[i];
        }
        return b;
    }

    /**
     * Writes a compressed batch; returns it for reuse. Every 16 MiB of pages written, gives the
     * mapped input read so far back (it stays in the page cache), so that peak RSS stays flat
     * whatever the dump's size; only pages already written go, so compressing threads do not
     * fault in again what they are reading.
     */
    private Batch drain(Batch b, KdumpWriter writer, ExcludedPages counts, boolean countZero) {
        for (int i = 0; i < b.count; i++) {
            if (countZero && b.zero[i]) counts.add(PageClass.ZERO, 1);
            writer.writeEncoded(b.pfns[i], b.codecs[i], b.out, b.at[i], b.len[i], b.zero[i]);
        }
        progress.pages(b.count, (long) b.count * pageSize);
        for (int i = 0; i < b.count; i++) {
            long src = b.src[i];
            if (src < 0) releaseAll = true;
            else {
                releaseFrom = Math.min(releaseFrom, src);
                releaseTo = Math.max(releaseTo, src + pageSize);
            }
        }
        long before = read;
        read += b.count;
        if ((before & ~Collector.RELEASE_EVERY) != (read & ~Collector.RELEASE_EVERY)) {
            if (releaseAll) release.range(-1, -1);
            else if (releaseTo > releaseFrom) release.range(releaseFrom, releaseTo);
            releaseAll = false;
            releaseFrom = Long.MAX_VALUE;
            releaseTo = -1;
        }
        return b;
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
