package org.jkdump.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jkdump.format.VmRuns;

/**
 * Fresh full dumps made by ../shared/vm for the integration tests: the raw /proc/vmcore copy
 * of a 1 GiB guest crashed by sysrq (6.1: run sysrq2; 6.12: run k612-full). {@link VmRuns}
 * makes a missing run (minutes under TCG) in the VM cache; never skipped.
 */
final class FullDumps {
    private FullDumps() {
    }

    static Path sysrqFullElf() throws IOException, InterruptedException {
        return fullElf("sysrq2");
    }

    static Path k612FullElf() throws IOException, InterruptedException {
        return fullElf("k612-full");
    }

    private static Path fullElf(String run) throws IOException, InterruptedException {
        var elf = VmRuns.dir(run).resolve("vmcore.full.elf");
        if (!Files.isRegularFile(elf)) throw new IllegalStateException("run " + run + " has no " + elf + " (made with --no-rawcopy?)");
        return elf;
    }

    /** {@code bash -c "source ../shared/vm/lib.sh; SCRIPT"}: the VM scripts' helpers (crash_bin, fetch_debug_vmlinux). */
    static List<String> withVmLib(String script) {
        return List.of("bash", "-c", "source '" + VmRuns.scripts().resolve("lib.sh") + "' >/dev/null 2>&1; " + script);
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
