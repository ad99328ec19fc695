package org.jkdump.kernel.btf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jkdump.kernel.FixtureKernel;
import org.jkdump.kernel.Types;
import org.junit.jupiter.api.Test;

/**
 * A piece of the fixture kernel's real BTF, re-encoded: it must describe the same layouts
 * as the whole (so the decoder drops nothing the format holds), and it is the fuzz test's
 * real seed, which must be exactly what this generator makes from the fixture.
 */
class BtfSubsetFixtureTest {
    static final List<String> ROOTS = List.of("struct list_head", "struct hlist_node", "struct printk_ringbuffer",
            "struct printk_info", "enum pid_type", "pid_t");
    static final Path SEEDS = Path.of("src/test/resources/org/jkdump/kernel/btf/BtfFuzzTestInputs/parsesOrRejectsCleanly");

    @Test
    void subsetOfRealBtfKeepsLayoutsAndIsTheFuzzSeed() throws Exception {
        try (var k = FixtureKernel.sysrq()) {
            var full = k.btf();
            var fullTypes = k.types();
            var roots = new ArrayList<Integer>();
            for (var r : ROOTS) roots.add(fullTypes.type(r).id());
            roots.add(full.named("panic", BtfKind.FUNC).orElseThrow().id()); // a variadic prototype
            var blob = BtfSubset.of(full, roots);
            var sub = new Types(Btf.parse("subset", blob));
            assertThat(sub.btf().typeCount()).isBetween(20, 200);
            for (var r : ROOTS) {
                var a = fullTypes.type(r);
                var b = sub.type(r);
                assertThat(sub.sizeof(b)).as(r).isEqualTo(fullTypes.sizeof(a));
                if (fullTypes.resolve(a) instanceof BtfType.Composite c)
                    for (var m : c.members()) {
                        var ma = fullTypes.member(a, m.name());
                        var mb = sub.member(b, m.name());
                        assertThat(mb.bitOffset()).as(r + "." + m.name()).isEqualTo(ma.bitOffset());
                        assertThat(mb.bitSize()).isEqualTo(ma.bitSize());
                        assertThat(sub.declaration(mb.type(), m.name())).isEqualTo(fullTypes.declaration(ma.type(), m.name()));
                    }
            }
            assertThat(sub.name(sub.btf().named("panic", BtfKind.FUNC).orElseThrow())).isEqualTo("void panic(const char *, ...)");
            assertThat(Files.readAllBytes(SEEDS.resolve("real-6.1-subset"))).as("committed seed").isEqualTo(blob);
            assertThat(Files.readAllBytes(SEEDS.resolve("all-kinds"))).as("committed seed").isEqualTo(new BtfParserTest.AllKinds().b.build());
        }
    }
}
