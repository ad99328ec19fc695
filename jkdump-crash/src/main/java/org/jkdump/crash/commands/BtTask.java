package org.jkdump.crash.commands;

import java.util.OptionalInt;

/**
 * A task as {@code bt} needs it: address, pid, the CPU it last ran on, its name, and the CPU
 * it was running on when the kernel crashed (crash's "active" task), if it was.
 */
public record BtTask(long address, int pid, int cpu, String command, OptionalInt activeCpu) {
}
