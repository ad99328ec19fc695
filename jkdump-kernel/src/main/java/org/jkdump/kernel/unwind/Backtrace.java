package org.jkdump.kernel.unwind;

import java.util.List;
import java.util.Optional;

/**
 * The result of unwinding one stack: its frames, exception frames and stack switches from
 * the innermost outwards, and why the unwind stopped early when it did not reach the end of
 * the stack (an unreadable page, a code address no unwind table covers, bad ORC data).
 */
public record Backtrace(List<BacktraceEntry> entries, Optional<String> problem) {
    public Backtrace {
        entries = List.copyOf(entries);
    }

    /** Just the call frames, innermost first. */
    public List<Frame> frames() {
        return entries.stream().filter(Frame.class::isInstance).map(Frame.class::cast).toList();
    }

    /** Just the exception frames, innermost first. */
    public List<ExceptionFrame> exceptionFrames() {
        return entries.stream().filter(ExceptionFrame.class::isInstance).map(ExceptionFrame.class::cast).toList();
    }

    /**
     * The function names of the innermost {@code max} frames, without offsets (unknown code as
     * "?"), for crash signatures that must not change between builds of the same code.
     */
    public List<String> topFunctions(int max) {
        return frames().stream().limit(max).map(f -> f.function().map(CodeSymbol::name).orElse("?")).toList();
    }
}
