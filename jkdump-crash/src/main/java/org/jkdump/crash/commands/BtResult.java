package org.jkdump.crash.commands;

import java.util.List;

/** The result of {@code bt}: one backtrace per task asked for, in order. */
public record BtResult(List<TaskBacktrace> tasks) {
    public BtResult {
        tasks = List.copyOf(tasks);
    }
}
