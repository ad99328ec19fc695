package org.jkdump.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.jkdump.format.DumpFiles;
import org.jkdump.format.Fixtures;
import org.junit.jupiter.api.Test;

class KernelTest {
    @Test
    void findsSymbolsAndTypesInsideTheDumpAlone() {
        try (var dump = DumpFiles.open(Fixtures.sysrq("vmcore.kdump-lzo"))) {
            var kernel = Kernel.open(dump);
            long uts = kernel.symbols().address("init_uts_ns").orElseThrow();
            assertThat(uts).isEqualTo(kernel.vmcoreinfo().symbol("init_uts_ns").orElseThrow());
            assertThat(kernel.types().sizeof("struct task_struct")).isEqualTo(9792); // crash-structs.txt: SIZE of task_struct
            assertThat(kernel.variable("init_task", "struct task_struct").member("comm").asString()).isEqualTo("swapper/0");
        }
    }
}
