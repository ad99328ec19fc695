package org.jkdump.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Objects in module space (vmalloc'd, reached only through the page tables): the module
 * list walked with KList and read with KObject equals crash's {@code mod} on both fixtures.
 */
class ModuleListFixtureTest {
    static Stream<Arguments> dumps() {
        return Stream.of(Arguments.of("kdump-sysrq", (Supplier<FixtureKernel>) FixtureKernel::sysrqZlib, 11),
                Arguments.of("kdump-oops-module", (Supplier<FixtureKernel>) FixtureKernel::oops, 12));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dumps")
    void moduleListEqualsCrashMod(String fixture, Supplier<FixtureKernel> open, int count) {
        var expected = CrashModList.crash(fixture);
        assertThat(expected).hasSize(count);
        try (var k = open.get()) {
            var actual = CrashModList.read(k);
            assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
            expected.forEach((addr, row) -> assertThat(actual.get(addr)).isEqualTo(row));
        }
    }
}
