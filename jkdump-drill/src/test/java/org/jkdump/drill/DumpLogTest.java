package org.jkdump.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.Fixtures;
import org.junit.jupiter.api.Test;

class DumpLogTest {
    @Test
    void readsTheSameLogAsVmcoreDmesgFromTheSysrqDump() {
        List<String> expected = Fixtures.text("kdump-sysrq", "dmesg.vmcore-dmesg.txt").lines().toList();
        try (var dump = DumpFiles.open(Fixtures.sysrqElf())) {
            var lines = DumpLog.read(dump);
            assertThat(lines).containsExactlyElementsOf(expected);
            assertThat(lines).anySatisfy(l -> assertThat(l).endsWith("Kernel panic - not syncing: sysrq triggered crash"));
        }
    }
}
