package org.jkdump.crash;

import org.jkdump.format.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * The fixtures' panic-task backtraces against the Call Trace their kernels printed (the log
 * vmcore-dmesg saved), a reference that needs no crash and no debuginfo; see
 * {@link KernelCallTrace}. The ../shared/vm runs get the same check in BtVmTest.
 */
class BtKernelTraceTest {
    @Test
    void sysrqPanicEndsWithTheKernelsCallTrace() throws Exception {
        KernelCallTrace.assertPanicTaskMatches("kdump-sysrq", Fixtures.sysrq("vmcore.kdump-lzo"),
                Fixtures.file("kdump-sysrq", "dmesg.vmcore-dmesg.txt"));
    }

    @Test
    void moduleOopsHasTheKernelsRegistersAndCallTraceBelowTheFault() throws Exception {
        KernelCallTrace.assertPanicTaskMatches("kdump-oops-module", Fixtures.oops("vmcore.kdump-lzo"),
                Fixtures.file("kdump-oops-module", "dmesg.vmcore-dmesg.txt"));
    }
}
