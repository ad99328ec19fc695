package org.jkdump.format.write;

import org.jkdump.format.PageCodec;

/**
 * One page as a kdump-compressed file stores it: {@code length} bytes of {@code data} in
 * {@code codec} ({@link PageCodec#NONE} when compressing did not make it smaller), or a page
 * of zeros that shares the dump's single zero-page descriptor. Made by a {@link PageEncoder},
 * possibly on a worker thread, and handed to {@link KdumpWriter#writeCompressed} in frame order.
 */
public record CompressedPage(long pfn, PageCodec codec, byte[] data, int length, boolean zero) {
    public CompressedPage {
        if (length < 0 || length > data.length) throw new IllegalArgumentException("length " + length + " of " + data.length);
    }
}
