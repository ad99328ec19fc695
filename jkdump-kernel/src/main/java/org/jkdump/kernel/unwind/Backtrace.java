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

    /** The crash machinery every panic passes through on its way to the capture kernel. */
    private static final java.util.Set<String> CRASH_PATH = java.util.Set.of("machine_kexec", "__crash_kexec", "crash_kexec",
            "panic", "vpanic", "oops_end", "die", "die_addr", "crash_nmi_callback", "nmi_handle", "default_do_nmi", "exc_nmi");

    /**
     * The functions where the crash happened, innermost first, without offsets, each as
     * {@code name} or {@code name [module]}, for a crash signature: from the function an
     * oops or exception interrupted when there is a kernel-mode exception frame, else
     * from the first frame outside the crash machinery (machine_kexec, __crash_kexec,
     * panic, oops_end, ...). Frames no symbol covers read "?".
     */
    public List<String> crashSite(int max) {
        var names = new java.util.ArrayList<String>();
        int from = 0;
        for (int i = 0; i < entries.size(); i++)
            if (entries.get(i) instanceof ExceptionFrame x && !x.userMode()) {
                from = i + 1;
                break;
            }
        for (int i = from; i < entries.size() && names.size() < max; i++) {
            if (!(entries.get(i) instanceof Frame f)) {
                if (entries.get(i) instanceof ExceptionFrame x && x.userMode()) break;
                continue;
            }
            var name = f.function().map(c -> c.module().map(m -> c.name() + " [" + m + "]").orElse(c.name())).orElse("?");
            if (from == 0 && names.isEmpty() && CRASH_PATH.contains(f.function().map(CodeSymbol::name).orElse(""))) continue;
            names.add(name);
        }
        return names;
    }
}
