package org.jkdump.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Fresh full dumps made by ../shared/vm for the integration tests: the raw /proc/vmcore copy
 * of a 1 GiB 6.1 guest crashed by sysrq. Made on first use with run-crash-vm.sh (a few
 * minutes under TCG) when the cache lacks it; never skipped.
 */
final class FullDumps {
    static final Path VM = Path.of("/work/shared/vm");
    static final Path SYSRQ2 = Path.of("/var/cache/jkdump-vm/runs/sysrq2");

    private FullDumps() {
    }

    static Path sysrqFullElf() throws IOException, InterruptedException {
        var elf = SYSRQ2.resolve("vmcore.full.elf");
        if (!Files.exists(elf)) {
            run(List.of(VM.resolve("run-crash-vm.sh").toString(), "--kernel", "6.1", "--mem", "1G", "--crashkernel", "256M",
                    "--pcp-high-fraction", "1000000", "--crash", "sysrq", "--out", SYSRQ2.toString()), 3600);
            if (!Files.exists(elf)) throw new IllegalStateException("run-crash-vm.sh left no " + elf);
        }
        return elf;
    }

    /** Runs a command, failing with its output when it exits non-zero. */
    static String run(List<String> cmd, long timeoutSeconds) throws IOException, InterruptedException {
        var pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        var p = pb.start();
        var out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + ": timed out");
        }
        if (p.exitValue() != 0) throw new IllegalStateException(String.join(" ", cmd) + ": exit " + p.exitValue() + "\n" + out);
        return out;
    }
}
