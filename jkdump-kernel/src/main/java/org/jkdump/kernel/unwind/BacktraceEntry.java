package org.jkdump.kernel.unwind;

/**
 * One line-group of a backtrace: a call frame, an exception frame (saved registers), a
 * switch from one stack to another, or the CPU's own registers where the walk starts.
 */
public sealed interface BacktraceEntry permits Frame, ExceptionFrame, StackTransition, CpuRegisters {
}
