package org.jkdump.kernel.symbols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.jkdump.kernel.symbols.TestKallsyms.Encoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The kallsyms decoder on tables built like scripts/kallsyms.c's, for the encodings the fixture kernel does not use. */
class KallsymsEncodingTest {
    private static final long STEXT = TestKallsyms.IMAGE + 0x100000;
    /** A Rust-style name long enough to need a two-byte token count (Linux 6.1's "big" symbols). */
    private static final String LONG_NAME = "_RNvXs0_NtNtCs1234_6kernel" + "x".repeat(300) + "_end_of_long";

    private static List<Symbol> symbols(boolean perCpu) {
        var text = List.of(
                Symbol.of("_stext", STEXT, 'T'),
                Symbol.of("_text", STEXT, 'T'),
                Symbol.of("sysrq_handle_crash", STEXT + 0x690910, 't'),
                Symbol.of(LONG_NAME, STEXT + 0x700000, 't'),
                Symbol.of("kallsyms_lookup_name", STEXT + 0x11bdac0, 'T'),
                Symbol.of("init_task", STEXT + 0x1a1aa40, 'D'));
        if (!perCpu) return text;
        var all = new ArrayList<Symbol>(List.of(Symbol.of("fixed_percpu_data", 0, 'A'), Symbol.of("cpu_number", 0x199e0, 'A')));
        all.addAll(text);
        return all;
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void decodesNamesTypesAndAddresses(Encoding encoding) {
        var expected = symbols(encoding != Encoding.RELATIVE);
        var table = Kallsyms.read(TestKallsyms.memory(TestKallsyms.image(expected, encoding)), TestKallsyms.vmcoreinfo(encoding));
        assertThat(table.stream().toList()).containsExactlyElementsOf(expected);
    }

    @Test
    void decodesTwoByteTokenCountOfALongName() {
        var table = Kallsyms.read(TestKallsyms.memory(TestKallsyms.image(symbols(true), Encoding.ABSOLUTE_PERCPU)),
                TestKallsyms.vmcoreinfo(Encoding.ABSOLUTE_PERCPU));
        assertThat(table.byName(LONG_NAME)).hasValueSatisfying(s -> assertThat(s.address()).isEqualTo(STEXT + 0x700000));
        assertThat(table.byName("init_task")).as("the symbol after the long name").isPresent();
    }

    @Test
    void picksUnsignedOffsetsWhenAbsolutePercpuWouldMisplaceStext() {
        // the same offsets read as CONFIG_KALLSYMS_ABSOLUTE_PERCPU would put _stext at 0x100000
        var table = Kallsyms.read(TestKallsyms.memory(TestKallsyms.image(symbols(false), Encoding.RELATIVE)),
                TestKallsyms.vmcoreinfo(Encoding.RELATIVE));
        assertThat(table.address("_stext")).hasValue(STEXT);
    }

    @Test
    void refusesTablesThatMatchNoVmcoreinfoSymbol() {
        var unanchored = symbols(true).stream().filter(s -> !s.name().startsWith("_s") && !s.name().startsWith("kallsyms")).toList();
        assertThatThrownBy(() -> Kallsyms.read(TestKallsyms.memory(TestKallsyms.image(unanchored, Encoding.ABSOLUTE_PERCPU)),
                TestKallsyms.vmcoreinfo(Encoding.ABSOLUTE_PERCPU)))
                .hasMessage("kallsyms: none of the symbols VMCOREINFO names (_stext, init_uts_ns, kallsyms_names, ...) "
                        + "appears in the decoded table, so its addresses cannot be checked");
    }

    @Test
    void refusesAnAddressTableNoEncodingExplains() {
        var image = TestKallsyms.image(symbols(true), Encoding.ABSOLUTE_PERCPU);
        image[TestKallsyms.RELATIVE_BASE + 1] ^= 0x10;  // kallsyms_relative_base off by 0x1000
        assertThatThrownBy(() -> Kallsyms.read(TestKallsyms.memory(image), TestKallsyms.vmcoreinfo(Encoding.ABSOLUTE_PERCPU)))
                .hasMessageStartingWith("kallsyms: the address table does not agree with VMCOREINFO (")
                .hasMessageContaining("CONFIG_KALLSYMS_ABSOLUTE_PERCPU offsets put ")
                .hasMessageContaining("unsigned offsets from kallsyms_relative_base put ");
    }

    @Test
    void refusesANameWhoseFirstCharacterIsNoTypeLetter() {
        var bad = List.of(Symbol.of("_stext", STEXT, '_'));
        var image = TestKallsyms.image(bad, Encoding.ABSOLUTE_PERCPU);
        assertThatThrownBy(() -> Kallsyms.read(TestKallsyms.memory(image), TestKallsyms.vmcoreinfo(Encoding.ABSOLUTE_PERCPU)))
                .hasMessage("kallsyms: symbol 0 at 0x%016x in kallsyms_names: it expands to \"__stext\", not a type letter and a name; "
                        + "the table is corrupt or uses an encoding this reader does not know", TestKallsyms.IMAGE + TestKallsyms.NAMES);
    }

    @Test
    void failsWithTheAddressWhenTheNamesRunOffTheImage() {
        var image = TestKallsyms.image(symbols(true), Encoding.ABSOLUTE_PERCPU);
        ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putInt(TestKallsyms.NUM_SYMS, 3_000_000);
        // after the real names, plausible ones ("D" type, name "A") up to the end of the image
        int end = TestKallsyms.NAMES;
        while (image[end] != 0) end += 1 + (image[end] & 0x7f) + ((image[end] & 0x80) != 0 ? 1 + ((image[end + 1] & 0xff) << 7) : 0);
        byte[] plausible = {2, 'D', 'A'};
        for (int i = end; i < image.length; i++) image[i] = plausible[(i - end) % 3];
        assertThatThrownBy(() -> Kallsyms.read(TestKallsyms.memory(image), TestKallsyms.vmcoreinfo(Encoding.ABSOLUTE_PERCPU)))
                .hasMessageContaining("outside the 65536-byte image");
    }
}
