package org.jkdump.crash.commands;

import java.util.List;
import java.util.Optional;

/**
 * One task's {@code bt}: crash's header fields, its lines, and how the unwind ended.
 *
 * @param problem  the first thing the unwinder could not follow (then frames up to where it
 *                 resumed were found by scanning), if any
 * @param complete the walk reached the end of the stack (user registers or the first frame)
 * @param rawStack for {@code bt -r}: the whole stack, from {@code rawStart}
 */
public record TaskBacktrace(int pid, long task, int cpu, String command, List<BtLine> lines, Optional<String> problem,
                            boolean complete, long rawStart, List<Long> rawStack) {
    public TaskBacktrace {
        lines = List.copyOf(lines);
        rawStack = List.copyOf(rawStack);
    }
}
