package org.jkdump.kernel.unwind;

/**
 * One ORC entry ({@code struct orc_entry}, arch/x86/include/asm/orc_types.h), normalised over
 * the two layouts the kernel has used (see {@link OrcFormat}): how to find the caller's stack
 * pointer (the CFA, "previous SP") and frame pointer for the code addresses it covers, and
 * what kind of frame sits there.
 *
 * @param spOffset added to the {@code spReg} base to get the previous SP
 * @param bpOffset added to the {@code bpReg} base to find where BP was saved
 * @param spReg    base register of the previous SP
 * @param bpReg    base register of the saved BP
 * @param type     the frame kind
 * @param signal   the covered code is the first instruction of a signal-like frame: look its
 *                 entry up at the address itself, not at address - 1 (kernels ≥ 6.4 only)
 */
public record OrcEntry(int spOffset, int bpOffset, Reg spReg, Reg bpReg, Type type, boolean signal) {

    /** ORC_TYPE_*: the kind of frame. */
    public enum Type {
        /** no unwind information: the unwinder must give up (reliably) */
        UNDEFINED,
        /** the outermost frame of a stack: entry code of kernel threads, the boot stack */
        END_OF_STACK,
        /** an ordinary call frame: the return address sits just below the previous SP */
        CALL,
        /** a full {@code struct pt_regs} at the previous SP: an interrupt, exception or syscall entry */
        REGS,
        /** only the hardware iret frame (ip, cs, flags, sp, ss) at the previous SP */
        REGS_PARTIAL
    }

    /** ORC_REG_*: the base registers an entry can name, with their numeric values in the tables. */
    public enum Reg {
        UNDEFINED(0), PREV_SP(1), DX(2), DI(3), BP(4), SP(5), R10(6), R13(7), BP_INDIRECT(8), SP_INDIRECT(9),
        /** a value the kernel does not define (bad table) */
        INVALID(-1);

        private final int code;

        Reg(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        static Reg of(int code) {
            for (var r : values()) if (r.code == code) return r;
            return INVALID;
        }
    }

    /**
     * The entry the kernel uses when no table covers an address (unwind_orc.c's
     * {@code orc_fp_entry}): assume a frame-pointer prologue, {@code push %rbp; mov %rsp,%rbp}.
     */
    public static final OrcEntry FRAME_POINTER = new OrcEntry(16, -16, Reg.BP, Reg.PREV_SP, Type.CALL, false);

    /** The kernel's entry for ip 0 (a call through a NULL pointer): the return address is at SP. */
    public static final OrcEntry NULL_CALL = new OrcEntry(8, 0, Reg.SP, Reg.UNDEFINED, Type.CALL, false);
}
