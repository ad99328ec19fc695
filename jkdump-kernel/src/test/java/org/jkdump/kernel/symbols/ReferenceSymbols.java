package org.jkdump.kernel.symbols;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jkdump.format.Fixtures;

/** What the reference files of ../shared/fixtures say about symbols: System.map and crash's sym output. */
final class ReferenceSymbols {
    private ReferenceSymbols() {
    }

    static Path systemMapPath() {
        return Fixtures.file("linux-6.1.0-56-amd64", "System.map");
    }

    /** One line of crash's {@code sym NAME} output: "ffffffffb85fb000 (D) init_uts_ns". */
    record CrashSym(String command, long address, char type, String name) {
    }

    private static final Pattern SYM_LINE = Pattern.compile("^([0-9a-f]{16}) \\((.)\\) (\\S+)(?: .*)?$");

    /** Every {@code sym} command's first output line in a crash.txt, in order. */
    static List<CrashSym> crashSyms(String crashTxt) {
        var out = new ArrayList<CrashSym>();
        var lines = crashTxt.split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (!lines[i].startsWith("### CMD: sym ")) continue;
            var m = SYM_LINE.matcher(lines[i + 1]);
            if (!m.matches()) throw new IllegalStateException("unexpected sym output: " + lines[i + 1]);
            out.add(new CrashSym(lines[i].substring(9), Long.parseUnsignedLong(m.group(1), 16), m.group(2).charAt(0), m.group(3)));
        }
        return out;
    }
}
