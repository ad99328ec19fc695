package org.jkdump.drill;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Debian packages the drill needs on the host, installed with apt-get when missing — with
 * --yes, or after asking on a terminal; never by waiting on a standard input that is not a
 * terminal (CI runs the drill without one). Kernel images are never installed on the host:
 * {@link DebianKernel} unpacks them into the cache.
 */
final class HostPackages {
    private HostPackages() {
    }

    static List<String> missing(List<String> packages) {
        var out = new ArrayList<String>();
        for (String p : packages) {
            var r = HostProcess.run(List.of("dpkg-query", "-W", "-f=${Status}", p), null, Map.of());
            if (r.exit() != 0 || !r.output().contains("install ok installed")) out.add(p);
        }
        return out;
    }

    static void ensure(List<String> packages, boolean yes, PrintWriter log) {
        var missing = missing(packages);
        if (missing.isEmpty()) return;
        String list = String.join(" ", missing);
        if (!yes) {
            var console = System.console();
            if (console == null || !console.isTerminal())
                throw new DrillException("prepare", "these packages are missing: " + list
                        + "; rerun with --yes to let the drill install them (apt-get install), or install them yourself", List.of());
            String answer = console.readLine("jkdump drill needs these packages: %s%nInstall them with apt-get now? [y/N] ", list);
            if (answer == null || !answer.strip().toLowerCase().startsWith("y"))
                throw new DrillException("prepare", "not installing " + list + " (answered no)", List.of());
        }
        log.println("jkdump drill: apt-get install " + list);
        log.flush();
        var install = new ArrayList<>(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
        install.addAll(missing);
        var r = HostProcess.run(install, null, Map.of("DEBIAN_FRONTEND", "noninteractive"));
        if (r.exit() != 0) {
            // the package lists may be stale or absent on a fresh machine
            HostProcess.check("prepare", List.of("apt-get", "update", "-q"), null);
            HostProcess.check("prepare", install, null);
        }
    }
}
