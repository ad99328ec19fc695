package org.jkdump.format.write;

import org.jkdump.format.PhysicalMemory;

/**
 * A dump being written: the writer has laid out the headers from its {@link DumpPlan} and now
 * takes the kept frames' pages in ascending frame order ({@link #nextPfn()} says which one it
 * expects), then {@link #finish()}es. A writer closed before it finished leaves a dump marked
 * INCOMPLETE whose missing pages read as lost, never one that looks complete.
 */
public sealed interface DumpWriter extends AutoCloseable permits ElfDumpWriter, KdumpWriter {
    /** The next kept frame to write, or -1 when all are written. */
    long nextPfn();

    /** Pages written so far. */
    long pagesWritten();

    /** Writes the page of frame {@code pfn}, which must be {@link #nextPfn()}: {@code page[off, off+pageSize)}. */
    void writePage(long pfn, byte[] page, int off);

    /** Completes the dump (every kept frame must be written) and closes the sink. */
    void finish();

    /** Ends a dump cut short: what is written stays, the dump is marked INCOMPLETE, the sink is closed. */
    void finishIncomplete();

    /** {@link #finishIncomplete()} unless finished. */
    @Override
    default void close() {
        finishIncomplete();
    }

    /** Writes every remaining kept frame from {@code memory} and finishes. */
    default void writeAll(PhysicalMemory memory) {
        byte[] page = new byte[memory.pageSize()];
        for (long pfn = nextPfn(); pfn >= 0; pfn = nextPfn()) {
            memory.readPage(pfn, page, 0);
            writePage(pfn, page, 0);
        }
        finish();
    }
}
