package org.jkdump.kernel.unwind;

import java.util.Optional;

/**
 * One function activation on a stack.
 *
 * @param pc       the code address: a return address, or the interrupted ip for an
 *                 {@link Kind#INTERRUPTED} frame
 * @param slot     the stack address crash prints in brackets: where {@code pc} was read from
 *                 (the return-address slot), or the interrupted SP
 * @param sp       the function's stack pointer at {@code pc}
 * @param function the function holding {@code pc}, when a symbol covers it
 * @param kind     how the frame was found
 * @param reliable false when the frame comes from a guess (frame-pointer fallback where no
 *                 ORC entry covers the code, or stack scanning after the unwind failed)
 */
public record Frame(long pc, long slot, long sp, Optional<CodeSymbol> function, Kind kind, boolean reliable)
        implements BacktraceEntry {

    /** How a frame was found. */
    public enum Kind {
        /** the starting registers of an unwind (pc and sp given, no return address read) */
        START,
        /** a return address read from the stack */
        CALL,
        /** the context an exception frame interrupted: pc and sp from the saved registers */
        INTERRUPTED,
        /** a return address found by scanning the stack after the unwind lost its way */
        SCANNED
    }

    /** {@code name+0xoff}, or the bare hex address when no symbol covers it. */
    public String describe() {
        return function.map(f -> f.name() + "+0x" + Long.toHexString(f.offset(pc)))
                .orElse(String.format("%016x", pc));
    }
}
