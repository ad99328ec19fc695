package org.jkdump.kernel.unwind;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OrcFormatTest {
    @Test
    void decodesEndBitLayoutOf61() {
        // sp_reg=SP(5) bp_reg=PREV_SP(1) type=REGS(1)
        var e = OrcFormat.END_BIT.decode((short) 0, (short) -16, 0x115);
        assertThat(e).isEqualTo(new OrcEntry(0, -16, OrcEntry.Reg.SP, OrcEntry.Reg.PREV_SP, OrcEntry.Type.REGS, false));
        // sp_reg=UNDEFINED with end set: end of stack; without: undefined
        assertThat(OrcFormat.END_BIT.decode((short) 0, (short) 0, 0x400).type()).isEqualTo(OrcEntry.Type.END_OF_STACK);
        assertThat(OrcFormat.END_BIT.decode((short) 0, (short) 0, 0x000).type()).isEqualTo(OrcEntry.Type.UNDEFINED);
        assertThat(OrcFormat.END_BIT.decode((short) 8, (short) 0, 0x005).type()).isEqualTo(OrcEntry.Type.CALL);
        assertThat(OrcFormat.END_BIT.decode((short) 8, (short) 0, 0x205).type()).isEqualTo(OrcEntry.Type.REGS_PARTIAL);
    }

    @Test
    void decodesSignalBitLayoutOf64AndLater() {
        var e = OrcFormat.SIGNAL_BIT.decode((short) 8, (short) 0, 0x0a05);
        assertThat(e).isEqualTo(new OrcEntry(8, 0, OrcEntry.Reg.SP, OrcEntry.Reg.UNDEFINED, OrcEntry.Type.CALL, true));
        assertThat(OrcFormat.SIGNAL_BIT.decode((short) 0, (short) 0, 0x100).type()).isEqualTo(OrcEntry.Type.END_OF_STACK);
        assertThat(OrcFormat.SIGNAL_BIT.decode((short) 0, (short) 0, 0x000).type()).isEqualTo(OrcEntry.Type.UNDEFINED);
        assertThat(OrcFormat.SIGNAL_BIT.decode((short) 0, (short) 0, 0x305).type()).isEqualTo(OrcEntry.Type.REGS);
        assertThat(OrcFormat.SIGNAL_BIT.decode((short) 0, (short) 0, 0x405).type()).isEqualTo(OrcEntry.Type.REGS_PARTIAL);
    }

    @ParameterizedTest
    @EnumSource(OrcFormat.class)
    void detectsLayoutFromMostlyCallEntries(OrcFormat format) {
        var call = new OrcEntry(16, 0, OrcEntry.Reg.SP, OrcEntry.Reg.UNDEFINED, OrcEntry.Type.CALL, false);
        var regs = new OrcEntry(0, 0, OrcEntry.Reg.SP, OrcEntry.Reg.UNDEFINED, OrcEntry.Type.REGS, false);
        var end = new OrcEntry(0, 0, OrcEntry.Reg.UNDEFINED, OrcEntry.Reg.UNDEFINED, OrcEntry.Type.END_OF_STACK, false);
        int[] sample = new int[100];
        for (int i = 0; i < sample.length; i++)
            sample[i] = format.encodeBits(i % 10 == 0 ? regs : i % 10 == 1 ? end : call);
        assertThat(OrcFormat.detect(sample)).isEqualTo(format);
    }

    @ParameterizedTest
    @EnumSource(OrcFormat.class)
    void encodeAndDecodeAgree(OrcFormat format) {
        for (var t : OrcEntry.Type.values()) {
            var spReg = t == OrcEntry.Type.UNDEFINED || t == OrcEntry.Type.END_OF_STACK ? OrcEntry.Reg.UNDEFINED : OrcEntry.Reg.SP_INDIRECT;
            var e = new OrcEntry(24, -8, spReg, OrcEntry.Reg.PREV_SP, t, false);
            assertThat(format.decode((short) 24, (short) -8, format.encodeBits(e))).isEqualTo(e);
        }
    }
}
