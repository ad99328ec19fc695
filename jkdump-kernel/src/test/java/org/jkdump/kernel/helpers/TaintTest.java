package org.jkdump.kernel.helpers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaintTest {
    @Test
    void decodesDieAndOutOfTreeModuleAsTheKernelPrintsThem() {
        var t = new Taint((1L << 7) | (1L << 12) | (1L << 13));
        assertThat(t.set()).extracting(Taint.Flag::name).containsExactly("DIE", "OOT_MODULE", "UNSIGNED_MODULE");
        assertThat(t.kernelString().stripTrailing()).isEqualTo("G      D    OE");
        // the oops line of the kdump-oops-module fixture, before die() added D: "Tainted: G           OE"
        assertThat(new Taint((1L << 12) | (1L << 13)).kernelString()).startsWith("G           OE ");
        assertThat(t.letters()).isEqualTo("DOE");
    }

    @Test
    void cleanKernelIsNotTainted() {
        assertThat(new Taint(0).kernelString()).isEqualTo("Not tainted");
        assertThat(new Taint(0).tainted()).isFalse();
    }

    @Test
    void reportsBitsBeyondTheTable() {
        assertThat(new Taint(1L << 40).unknownBits()).isEqualTo(1L << 40);
    }
}
