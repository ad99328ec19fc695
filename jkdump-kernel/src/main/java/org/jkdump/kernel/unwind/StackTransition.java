package org.jkdump.kernel.unwind;

/** The unwind left stack {@code from} for stack {@code to} (crash prints {@code --- <NMI exception stack> ---}). */
public record StackTransition(StackRange from, StackRange to) implements BacktraceEntry {
}
