package org.jkdump.kernel.unwind;

import java.util.List;
import java.util.Optional;

/**
 * The result of unwinding one stack: its frames, exception frames and stack switches from
 * the innermost outwards; whether the walk reached the end of the stack (an END_OF_STACK
 * entry or user-mode registers); and the first problem met on the way (an unreadable page,
 * code no unwind table covers, bad ORC data) — after which the frames up to the next one
 * ORC could resume from were found by scanning and are marked unreliable.
 */
public record Backtrace(List<BacktraceEntry> entries, Optional<String> problem, boolean complete) {
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
