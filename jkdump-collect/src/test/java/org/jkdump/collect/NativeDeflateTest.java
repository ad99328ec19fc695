package org.jkdump.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.Fixtures;
import org.junit.jupiter.api.Test;

/** libdeflate's zlib streams, as crash and makedumpfile read them (zlib's inflate). */
class NativeDeflateTest {
    private static final int PAGE = 4096;

    private static byte[] inflate(byte[] b, int off, int len) throws DataFormatException {
        var inflater = new Inflater();
        inflater.setInput(b, off, len);
        var page = new byte[PAGE];
        assertThat(inflater.inflate(page)).isEqualTo(PAGE);
        assertThat(inflater.finished()).as("the stream ends with its Adler-32").isTrue();
        return page;
    }

    @Test
    void everyPageOfARealDumpInflatesBackAsItWasSmaller() throws Exception {
        var deflate = NativeDeflate.load().orElseThrow(() -> new AssertionError("libdeflate.so.0 (package libdeflate0) is not loadable"));
        var out = new byte[PAGE];
        var page = new byte[PAGE];
        long pages = 0, compressed = 0;
        try (var dump = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-lzo"))) {
            var mem = dump.memory();
            for (long pfn = 0; pfn < mem.maxPfn() && pages < 4000; pfn++) {
                if (!mem.isPresent(pfn)) continue;
                mem.readPage(pfn, page, 0);
                pages++;
                int n = deflate.compress(page, 0, PAGE, out, 0, PAGE - 1);
                if (n == 0) continue;
                assertThat(n).isLessThan(PAGE);
                assertThat(inflate(out, 0, n)).as("frame 0x%x", pfn).isEqualTo(page);
                compressed++;
            }
        }
        assertThat(pages).isEqualTo(4000);
        assertThat(compressed).isGreaterThan(pages / 2);
    }

    @Test
    void aPageThatDoesNotFitReportsZeroAndAnOffsetIsHonoured() throws Exception {
        var deflate = NativeDeflate.load().orElseThrow();
        var random = new byte[PAGE + 16];
        new Random(7).nextBytes(random);
        var out = new byte[2 * PAGE];
        assertThat(deflate.compress(random, 16, PAGE, out, 0, PAGE - 1)).isZero();

        var text = "struct page *pfn_to_page(unsigned long pfn); ".repeat(PAGE / 40).getBytes();
        int n = deflate.compress(text, 3, PAGE, out, 100, PAGE - 1);
        assertThat(n).isBetween(1, 200);
        assertThat(inflate(out, 100, n)).isEqualTo(java.util.Arrays.copyOfRange(text, 3, 3 + PAGE));
    }
}
