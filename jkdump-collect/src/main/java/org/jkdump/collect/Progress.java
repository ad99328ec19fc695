package org.jkdump.collect;

import java.io.PrintWriter;

/**
 * Progress of the copy phase: a one-line bar on a terminal (pages, MB/s, ETA), nothing when
 * output is not a terminal. Updates at most five times a second; called from the writing
 * thread only.
 */
public final class Progress {
    private final PrintWriter out;
    private final long total;
    private final long start = System.nanoTime();
    private long pages, bytes, lastDraw;

    private Progress(PrintWriter out, long total) {
        this.out = out;
        this.total = total;
    }

    /** A bar on {@code err} when the process has a terminal, otherwise silence. */
    public static Progress forTerminal(PrintWriter err, long totalPages) {
        return new Progress(System.console() != null ? err : null, totalPages);
    }

    public static Progress silent() {
        return new Progress(null, 0);
    }

    void pages(long n, long b) {
        pages += n;
        bytes += b;
        if (out == null) return;
        long now = System.nanoTime();
        if (now - lastDraw < 200_000_000L && pages < total) return;
        lastDraw = now;
        double secs = Math.max(1e-3, (now - start) / 1e9);
        double mbs = bytes / 1e6 / secs;
        long eta = pages == 0 ? 0 : (long) (secs * (total - pages) / pages);
        int width = 30, filled = total == 0 ? width : (int) Math.min(width, width * pages / total);
        out.printf("\rCopying data [%s%s] %5.1f%% %d/%d pages %7.1f MB/s eta %d:%02d ",
                "=".repeat(filled), " ".repeat(width - filled), total == 0 ? 100.0 : 100.0 * pages / total, pages, total,
                mbs, eta / 60, eta % 60);
        if (pages >= total) out.println();
        out.flush();
    }
}
