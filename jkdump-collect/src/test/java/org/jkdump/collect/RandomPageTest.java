package org.jkdump.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The random-page test agrees with zlib level 1 itself: it only calls "random" what zlib stores
 * raw, also on pages built to sit at the edge (fewer byte values, skewed counts, planted repeats).
 */
class RandomPageTest {
    private static int zlib(byte[] page) {
        var d = new Deflater(Deflater.BEST_SPEED);
        d.setInput(page);
        d.finish();
        var out = new byte[8192];
        int n = 0;
        while (!d.finished()) n += d.deflate(out, n, out.length - n);
        d.end();
        return n;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void neverCallsAPageRandomThatZlibCouldShrink(long seed) {
        var r = new Random(seed);
        var test = new RandomPage();
        int random = 0, pages = 300;
        for (int i = 0; i < pages; i++) {
            var page = new byte[4096];
            r.nextBytes(page);
            switch (i % 3) {
                case 1 -> System.arraycopy(page, 0, page, 2048, 40 + r.nextInt(200)); // a repeat zlib can use
                case 2 -> { // random with a short run of zeros
                    int at = r.nextInt(4000);
                    java.util.Arrays.fill(page, at, at + 8 + r.nextInt(80), (byte) 0);
                }
                default -> { }
            }
            boolean claimed = test.test(page, 0, page.length);
            if (claimed) {
                random++;
                assertThat(zlib(page)).as("page %d called random, but zlib level 1 shrinks it", i).isGreaterThanOrEqualTo(4096);
            }
        }
        assertThat(random).as("plain random pages recognised").isGreaterThanOrEqualTo(pages / 3);
    }

    @ParameterizedTest(name = "{0} byte values")
    @ValueSource(ints = {256, 252, 248, 244, 240, 230})
    void neverCallsAPageRandomThatZlibCouldShrinkNearTheEdge(int values) {
        var r = new Random(values);
        var test = new RandomPage();
        int claimed = 0, raw = 0, pages = 400;
        for (int i = 0; i < pages; i++) {
            var page = new byte[4096];
            for (int k = 0; k < page.length; k++) {
                // skewed: half the pages draw low values twice as often as high ones
                int v = i % 2 == 0 ? r.nextInt(values) : Math.min(r.nextInt(values), r.nextInt(values) + r.nextInt(2) * values / 3);
                page[k] = (byte) v;
            }
            for (int rep = i % 7; rep > 0; rep--) { // planted 3..10-byte repeats
                int len = 3 + r.nextInt(8), from = r.nextInt(2000), to = 2000 + r.nextInt(2000);
                System.arraycopy(page, from, page, to, len);
            }
            int zlib = zlib(page);
            if (zlib >= 4096) raw++;
            if (test.test(page, 0, page.length)) {
                claimed++;
                assertThat(zlib).as("page %d (%d values) called random, but zlib level 1 shrinks it", i, values)
                        .isGreaterThanOrEqualTo(4096);
            }
        }
        assertThat(claimed).isLessThanOrEqualTo(raw);
        // uniform pages over 252 values or more still have ~70 bits to spare over the proof
        if (values >= 252) assertThat(claimed).as("pages proven of %d zlib stores raw", raw).isGreaterThan(pages / 10);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"text", "zeros"})
    void ordinaryPagesAreNotRandom(String kind) {
        var page = new byte[4096];
        if (kind.equals("text")) {
            var t = "the kernel log says: usb 1-1: new high-speed USB device number 2 using ehci-pci\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < page.length; i++) page[i] = t[i % t.length];
        }
        assertThat(new RandomPage().test(page, 0, page.length)).isFalse();
    }
}
