package org.jkdump.kernel.unwind;

/**
 * The two bit layouts of {@code struct orc_entry}'s third word (little-endian bit fields after
 * {@code s16 sp_offset, s16 bp_offset}):
 * <ul>
 *   <li>{@link #END_BIT} (kernels up to 6.3, e.g. 6.1): {@code sp_reg:4 bp_reg:4 type:2 end:1}
 *       with types CALL=0, REGS=1, REGS_PARTIAL (REGS_IRET before 5.x)=2; an entry whose sp_reg
 *       is UNDEFINED is the end of the stack when {@code end} is set and "no information"
 *       otherwise.</li>
 *   <li>{@link #SIGNAL_BIT} (6.4 and later, e.g. 6.12): {@code sp_reg:4 bp_reg:4 type:3 signal:1}
 *       with types UNDEFINED=0, END_OF_STACK=1, CALL=2, REGS=3, REGS_PARTIAL=4.</li>
 * </ul>
 * Which one a dump uses is found from the table itself ({@link #detect}), not from the
 * version string: ordinary call frames dominate every table, and their type field reads 0 in
 * the old layout and 2 in the new one.
 */
public enum OrcFormat {
    END_BIT, SIGNAL_BIT;

    /** Size of one struct orc_entry in the table. */
    public static final int ENTRY_SIZE = 6;

    /** Decodes one 6-byte entry from its three little-endian 16-bit words. */
    public OrcEntry decode(short spOffset, short bpOffset, int bits) {
        var spReg = OrcEntry.Reg.of(bits & 0xf);
        var bpReg = OrcEntry.Reg.of((bits >> 4) & 0xf);
        return switch (this) {
            case END_BIT -> {
                int type = (bits >> 8) & 0x3;
                boolean end = (bits & 0x400) != 0;
                OrcEntry.Type t;
                if (spReg == OrcEntry.Reg.UNDEFINED) t = end ? OrcEntry.Type.END_OF_STACK : OrcEntry.Type.UNDEFINED;
                else t = switch (type) {
                    case 0 -> OrcEntry.Type.CALL;
                    case 1 -> OrcEntry.Type.REGS;
                    case 2 -> OrcEntry.Type.REGS_PARTIAL;
                    default -> OrcEntry.Type.UNDEFINED;
                };
                yield new OrcEntry(spOffset, bpOffset, spReg, bpReg, t, false);
            }
            case SIGNAL_BIT -> {
                int type = (bits >> 8) & 0x7;
                boolean signal = (bits & 0x800) != 0;
                var t = switch (type) {
                    case 1 -> OrcEntry.Type.END_OF_STACK;
                    case 2 -> OrcEntry.Type.CALL;
                    case 3 -> OrcEntry.Type.REGS;
                    case 4 -> OrcEntry.Type.REGS_PARTIAL;
                    default -> OrcEntry.Type.UNDEFINED;
                };
                yield new OrcEntry(spOffset, bpOffset, spReg, bpReg, t, signal);
            }
        };
    }

    /** Encodes an entry in this layout (for tests and synthetic tables). */
    public int encodeBits(OrcEntry e) {
        int bits = (e.spReg().code() & 0xf) | (e.bpReg().code() & 0xf) << 4;
        return switch (this) {
            case END_BIT -> bits | switch (e.type()) {
                case CALL -> 0;
                case REGS -> 1 << 8;
                case REGS_PARTIAL -> 2 << 8;
                case END_OF_STACK -> 0x400;
                case UNDEFINED -> 0;
            };
            case SIGNAL_BIT -> bits | (e.signal() ? 0x800 : 0) | switch (e.type()) {
                case UNDEFINED -> 0;
                case END_OF_STACK -> 1 << 8;
                case CALL -> 2 << 8;
                case REGS -> 3 << 8;
                case REGS_PARTIAL -> 4 << 8;
            };
        };
    }

    /**
     * Picks the layout from a sample of third words: entries based on SP or BP are real
     * frames, almost all of them calls; a type field of 2 there means the 6.4+ layout.
     */
    public static OrcFormat detect(int[] bitsSample) {
        int oldCalls = 0, newCalls = 0;
        for (int bits : bitsSample) {
            int spReg = bits & 0xf;
            if (spReg != OrcEntry.Reg.SP.code() && spReg != OrcEntry.Reg.BP.code()) continue;
            int type3 = (bits >> 8) & 0x7;
            if (type3 == 0) oldCalls++;
            else if (type3 == 2) newCalls++;
        }
        return newCalls > oldCalls ? SIGNAL_BIT : END_BIT;
    }
}
