package org.jkdump.kernel.helpers;

import java.util.OptionalLong;
import org.jkdump.kernel.Kernel;
import org.jkdump.kernel.VirtualMemoryException;

/**
 * The kernel's wall-clock seconds ({@code struct timekeeper.xtime_sec}, kernel/time/timekeeping.c)
 * as the dump holds them, which is what crash prints as DATE, whether or not the dump has a
 * CRASHTIME (QEMU's dump-guest-memory has none). The timekeeper is found as crash does:
 * in {@code struct tk_data} ({@code timekeeper_data[0]} or {@code tk_core}, 6.13 and later);
 * else a global {@code timekeeper} (up to 3.x); else {@code shadow_timekeeper}, the copy
 * timekeeping_advance() works on and then copies to the live one (tk_core is an anonymous
 * struct in 3.17 to 6.12, so BTF names no type for it).
 */
public final class WallClock {
    private WallClock() {
    }

    /** xtime_sec, or empty when no timekeeper this kernel has can be read. */
    public static OptionalLong seconds(Kernel k) {
        var types = k.types();
        try {
            if (types.hasMember("struct tk_data", "timekeeper") && types.hasMember("struct timekeeper", "xtime_sec")) {
                long off = types.offsetOf("struct tk_data", "timekeeper.xtime_sec");
                for (var name : new String[] {"timekeeper_data", "tk_core"})
                    if (Access.hasSymbol(k, name)) return OptionalLong.of(k.memory().u64(Access.symbol(k, name) + off));
            }
            for (var name : new String[] {"timekeeper", "shadow_timekeeper"})
                if (Access.hasSymbol(k, name) && types.hasMember("struct timekeeper", "xtime_sec"))
                    return OptionalLong.of(k.memory().u64(Access.symbol(k, name) + types.offsetOf("struct timekeeper", "xtime_sec")));
        } catch (VirtualMemoryException e) {
            // the timekeeper's page is not in the dump: no clock, as crash then has none either
        }
        return OptionalLong.empty();
    }
}
