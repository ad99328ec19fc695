package org.jkdump.kernel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.jkdump.format.Fixtures;

/** crash's {@code mod} listing from a fixture's crash.txt, and the same rows read through the object API. */
final class CrashModList {
    /** One row: struct module address, name, core_layout.base, core_layout.size. */
    record Row(long module, String name, long base, long size) {
    }

    private static final Pattern ROW = Pattern.compile("^([0-9a-f]{16})\\s+(\\S+)\\s+([0-9a-f]{16})\\s+(\\d+)\\s+.*$");

    private CrashModList() {
    }

    static Map<Long, Row> crash(String fixtureDir) {
        var rows = new LinkedHashMap<Long, Row>();
        boolean in = false;
        for (var line : Fixtures.text(fixtureDir, "crash.txt").split("\n")) {
            if (line.startsWith("### CMD: ")) {
                in = line.equals("### CMD: mod");
                continue;
            }
            var m = ROW.matcher(line);
            if (in && m.matches()) {
                long addr = Long.parseUnsignedLong(m.group(1), 16);
                rows.put(addr, new Row(addr, m.group(2), Long.parseUnsignedLong(m.group(3), 16), Long.parseLong(m.group(4))));
            }
        }
        return rows;
    }

    /** list_for_each_entry(mod, &modules, list), read as crash's columns (6.1: core_layout holds base and size). */
    static Map<Long, Row> read(FixtureKernel k) {
        var types = k.types();
        var head = KObject.at(types, k.memory(), types.type("struct list_head"), k.symbol("modules"), "modules");
        var rows = new LinkedHashMap<Long, Row>();
        KList.entries(head, "struct module", "list").forEach(m -> rows.put(m.address(), new Row(m.address(), m.member("name").asString(),
                m.member("core_layout.base").asUnsigned(), m.member("core_layout.size").asUnsigned())));
        return rows;
    }
}
