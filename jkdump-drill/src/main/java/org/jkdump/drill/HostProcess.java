package org.jkdump.drill;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Runs a host program the drill needs (apt-get, dpkg-deb, depmod, gcc, make, mkfs.ext4,
 * debugfs) with no standard input, collecting its output; a failure names the phase, the
 * command and its last output lines.
 */
final class HostProcess {
    private HostProcess() {
    }

    record Result(int exit, String output) {
        List<String> tail(int n) {
            var lines = Arrays.asList(output.split("\n"));
            return lines.subList(Math.max(0, lines.size() - n), lines.size());
        }
    }

    static Result run(List<String> cmd, Path dir, Map<String, String> env) {
        var pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (dir != null) pb.directory(dir.toFile());
        pb.environment().putAll(env);
        try {
            var p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(p.waitFor(), out);
        } catch (IOException e) {
            return new Result(127, cmd.getFirst() + ": cannot run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(130, "interrupted");
        }
    }

    /** Runs and throws {@link DrillException} for the phase when the command fails. */
    static String check(String phase, List<String> cmd, Path dir) {
        var r = run(cmd, dir, Map.of("DEBIAN_FRONTEND", "noninteractive", "LC_ALL", "C"));
        if (r.exit() != 0)
            throw new DrillException(phase, "'" + String.join(" ", cmd) + "' exited with status " + r.exit(), r.tail(15));
        return r.output();
    }
}
