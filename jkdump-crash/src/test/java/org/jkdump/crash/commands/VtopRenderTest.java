package org.jkdump.crash.commands;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jkdump.kernel.helpers.PageStruct;
import org.junit.jupiter.api.Test;

/**
 * vtop's struct page line is laid out by crash's PADDR_PRLEN, the memory size's length in
 * hex: 8 digits up to 4 GiB, 9 for the 5 GiB k612-5g run, where crash 8.0.6 printed
 * {@code       PAGE        PHYSICAL      MAPPING       INDEX CNT FLAGS} (one blank more than
 * below 4 GiB) and right-justifies every physical address in that width.
 */
class VtopRenderTest {
    private static List<String> render(long physical, int paddrWidth) {
        var page = new PageStruct(0xfffff39004009ec0L, physical, 0x17ffffc0000000L, 0xdead000000000400L, OptionalLong.of(0), 0, List.of());
        var t = new VtopCommand.Translation(0xffff8d2e0027b080L, physical + 0x80, 0xffffffff8b822000L,
                List.of(new VtopCommand.Entry("PMD", 0x16c809008L, 0x80000001002001e3L)), 0x200000L,
                physical & -0x200000L, List.of("PRESENT"), Optional.of(page), false, Optional.empty());
        var out = new StringWriter();
        new VtopCommand().renderText(new VtopCommand.Result(List.of(t), paddrWidth), new PrintWriter(out, true));
        var lines = out.toString().lines().toList();
        return lines.subList(lines.size() - 2, lines.size());
    }

    @Test
    void pageLineIsAsWideAsTheMemorySizeInHex() {
        assertThat(render(0x10027b000L, 9)).containsExactly(
                "      PAGE        PHYSICAL      MAPPING       INDEX CNT FLAGS",
                "fffff39004009ec0 10027b000 dead000000000400        0  0 17ffffc0000000");
        assertThat(render(0x1249000L, 9).getLast()).startsWith("fffff39004009ec0   1249000 dead000000000400");
        assertThat(render(0x1249000L, 8)).containsExactly(
                "      PAGE       PHYSICAL      MAPPING       INDEX CNT FLAGS",
                "fffff39004009ec0  1249000 dead000000000400        0  0 17ffffc0000000");
    }
}
