package org.jkdump.kernel.unwind;

/**
 * One line-group of a backtrace: a call frame, an exception frame (saved registers), or a
 * switch from one stack to another.
 */
public sealed interface BacktraceEntry permits Frame, ExceptionFrame, StackTransition {
}
