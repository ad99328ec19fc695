package org.jkdump.kernel.helpers;

import static org.assertj.core.api.Assertions.fail;

/** Byte-equality of two texts whose failure message shows the first differing line of both. */
final class TextDiff {
    private TextDiff() {
    }

    static void assertSameText(String actual, String expected, String what) {
        if (actual.equals(expected)) return;
        var a = actual.split("\n", -1);
        var e = expected.split("\n", -1);
        int i = 0;
        while (i < a.length && i < e.length && a[i].equals(e[i])) i++;
        fail("%s differs at line %d (ours %d lines, reference %d lines):%n  ours:      %s%n  reference: %s",
                what, i + 1, a.length, e.length, i < a.length ? "\"" + a[i] + "\"" : "<end>", i < e.length ? "\"" + e[i] + "\"" : "<end>");
    }
}
