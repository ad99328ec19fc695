package org.jkdump.kernel.symbols;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SymbolTableTest {
    private static final long TEXT = 0xffffffffb6a00000L;

    private static final SymbolTable TABLE = SymbolTable.of("test", List.of(
            Symbol.of("fixed_percpu_data", 0x0, 'D'),
            Symbol.of("cpu_number", 0x199e0, 'D'),
            Symbol.of("_stext", TEXT, 'T'),
            Symbol.of("_text", TEXT, 'T'),
            Symbol.of("startup_64", TEXT, 'T'),
            Symbol.of("show_state", TEXT + 0x100, 't'),
            Symbol.of("panic", TEXT + 0x200, 'T'),
            Symbol.of("show_state", TEXT + 0x300, 'T'),
            Symbol.of("_end", TEXT + 0x1000, 'B')));

    @Test
    void findsNearestSymbolAtOrBelowWithOffset() {
        assertThat(TABLE.symbolAt(TEXT + 0x205)).hasValueSatisfying(so -> {
            assertThat(so.symbol().name()).isEqualTo("panic");
            assertThat(so.offset()).isEqualTo(5);
            assertThat(so.format()).isEqualTo("panic+5");
        });
        assertThat(TABLE.symbolAt(TEXT + 0x200).orElseThrow().format()).isEqualTo("panic");
    }

    @Test
    void aliasesAnswerWithTheFirstInSourceOrder() {
        assertThat(TABLE.symbolAt(TEXT + 0x10).orElseThrow().symbol().name()).isEqualTo("_stext");
        assertThat(TABLE.startingAt(TEXT)).extracting(Symbol::name).containsExactly("_stext", "_text", "startup_64");
        assertThat(TABLE.startingAt(TEXT + 1)).isEmpty();
    }

    @Test
    void addressesOutsideEveryRegionHaveNoSymbol() {
        assertThat(TABLE.symbolAt(TEXT - 1)).as("direct-map address below the image").isEmpty();
        assertThat(TABLE.symbolAt(0xffff8efe81203080L)).isEmpty();
        assertThat(TABLE.symbolAt(TEXT + 0x1001)).as("past _end").isEmpty();
        assertThat(TABLE.symbolAt(TEXT + 0x1000).orElseThrow().format()).isEqualTo("_end");
        assertThat(TABLE.symbolAt(0x199e0 + 1)).as("past the last per-cpu symbol").isEmpty();
        assertThat(TABLE.symbolAt(0x10).orElseThrow().format()).isEqualTo("fixed_percpu_data+16");
    }

    @Test
    void repeatedNamesPreferTheGlobalSymbol() {
        assertThat(TABLE.byName("show_state")).hasValueSatisfying(s -> assertThat(s.type()).isEqualTo('T'));
        assertThat(TABLE.allNamed("show_state")).extracting(Symbol::address).containsExactly(TEXT + 0x300, TEXT + 0x100);
        assertThat(TABLE.address("panic")).hasValue(TEXT + 0x200);
        assertThat(TABLE.byName("no_such_symbol")).isEmpty();
        assertThat(TABLE.allNamed("no_such_symbol")).isEmpty();
    }

    @Test
    void searchesByPrefixSubstringAndPattern() {
        assertThat(TABLE.withPrefix("_s")).extracting(Symbol::name).containsExactly("_stext");
        assertThat(TABLE.containing("tart")).extracting(Symbol::name).containsExactly("startup_64");
        assertThat(TABLE.matching(Pattern.compile("^show_.*e$"))).hasSize(2);
        assertThat(TABLE.between(TEXT, TEXT + 0x200)).extracting(Symbol::name)
                .containsExactly("_stext", "_text", "startup_64", "show_state");
        assertThat(TABLE.between(0, 1)).extracting(Symbol::name).containsExactly("fixed_percpu_data");
    }

    @Test
    void iteratesInAddressOrderTreatingAddressesAsUnsigned() {
        assertThat(TABLE.stream().map(Symbol::name).toList()).containsExactly(
                "fixed_percpu_data", "cpu_number", "_stext", "_text", "startup_64", "show_state", "panic", "show_state", "_end");
        assertThat(TABLE.size()).isEqualTo(9);
    }

    @Test
    void mergedModuleSymbolsResolveWithModuleName() {
        long mod = 0xffffffffc0574000L;
        var merged = TABLE.merged(List.of(
                new Symbol("jk_write", mod, 't', OptionalLong.of(0x100), Optional.of("jkcrash")),
                new Symbol("jk_init", mod + 0x200, 't', OptionalLong.empty(), Optional.of("jkcrash"))));
        assertThat(merged.size()).isEqualTo(TABLE.size() + 2);
        assertThat(merged.symbolAt(mod + 202).orElseThrow().format()).isEqualTo("jk_write+202 [jkcrash]");
        assertThat(merged.byName("jk_write").orElseThrow().displayName()).isEqualTo("jk_write [jkcrash]");
        assertThat(merged.symbolAt(mod - 1)).as("between _end and the module").isEmpty();
        assertThat(merged.symbolAt(mod + 0x201)).as("past the module's last symbol").isEmpty();
        assertThat(merged.symbolAt(TEXT + 0x205).orElseThrow().format()).isEqualTo("panic+5");
        assertThat(TABLE.byName("jk_write")).as("the original table is unchanged").isEmpty();
    }

    @Test
    void emptyTableAnswersNothing() {
        var empty = SymbolTable.of("none", List.of());
        assertThat(empty.symbolAt(TEXT)).isEmpty();
        assertThat(empty.startingAt(TEXT)).isEmpty();
        assertThat(empty.byName("panic")).isEmpty();
    }
}
