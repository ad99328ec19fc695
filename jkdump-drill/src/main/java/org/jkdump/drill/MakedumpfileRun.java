package org.jkdump.drill;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jkdump.capture.LocalTarget;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.JkdumpException;

/**
 * The drill's {@code --compare-makedumpfile}: the capture kernel runs Debian's makedumpfile
 * ({@code -l -d 31}, jkdump.conf's default flags) on the same /proc/vmcore right after
 * {@code jkdump capture}, both timed by the capture /init from /proc/uptime; the host then
 * reads both dumps with jkdump's readers and compares them page by page.
 */
final class MakedumpfileRun {
    static final Path BINARY = Path.of("/usr/bin/makedumpfile");
    static final String DIR = "makedumpfile", PREFIX = "JKDUMP-DRILL-MDF:";
    private static final Pattern RESULT = Pattern.compile(
            PREFIX + " exit=(\\d+) jkdump=([\\d.]+)\\.\\.([\\d.]+) makedumpfile=([\\d.]+)\\.\\.([\\d.]+)");
    private static final Pattern SECONDS = Pattern.compile(" seconds=([\\d.]+) ");

    /**
     * What the comparison found.
     *
     * @param jkdumpSeconds        the whole {@code jkdump capture} process: JVM start, vmcore-dmesg.txt, the dump
     * @param jkdumpCollectSeconds the dump step alone (the status line's seconds=)
     * @param makedumpfileSeconds  the whole makedumpfile process
     * @param differences          the first few frames that differ (missing on one side, or other bytes)
     */
    record Comparison(double jkdumpSeconds, double jkdumpCollectSeconds, double makedumpfileSeconds, long jkdumpBytes,
                      long makedumpfileBytes, Path makedumpfileDump, long jkdumpPages, long makedumpfilePages,
                      long samePages, long differingPages, List<String> differences) {
        boolean identical() {
            return differingPages == 0 && jkdumpPages == makedumpfilePages && samePages == jkdumpPages;
        }
    }

    private MakedumpfileRun() {
    }

    /** makedumpfile and the shared libraries it loads, at their host paths, for the capture initramfs. */
    static Map<String, Path> files() {
        if (!Files.isExecutable(BINARY)) throw new JkdumpException(BINARY + " is missing: install makedumpfile");
        var files = new LinkedHashMap<String, Path>();
        files.put(BINARY.toString().substring(1), BINARY);
        for (String line : HostProcess.check("build", List.of("ldd", BINARY.toString()), null).split("\n")) {
            var words = Arrays.asList(line.strip().split("\\s+"));
            int arrow = words.indexOf("=>");
            String lib = arrow >= 0 && arrow + 1 < words.size() ? words.get(arrow + 1) : words.getFirst();
            if (!lib.startsWith("/")) continue; // linux-vdso
            Path p = Path.of(lib);
            try {
                files.put(lib.substring(1), p.toRealPath());
            } catch (java.io.IOException e) {
                throw new JkdumpException(lib + ": needed by makedumpfile, cannot resolve: " + e.getMessage(), e);
            }
        }
        return files;
    }

    /** The capture /init with makedumpfile run after a successful {@code jkdump capture}, both timed. */
    static String addTo(String init) {
        String java = "/opt/jkdump/runtime/bin/java ";
        if (!init.contains(java) || !init.contains("\nrc=$?\n")) throw new IllegalStateException("capture /init template changed: cannot add makedumpfile");
        String out = LocalTarget.MOUNT_POINT + "/var/crash/" + DIR;
        String block = String.join("\n",
                "rc=$?",
                "jt1=$(up)",
                "if [ $rc -eq 0 ]; then",
                "\tmkdir -p " + out,
                "\tmt0=$(up)",
                "\tmakedumpfile -l -d 31 /proc/vmcore " + out + "/vmcore > /tmp/makedumpfile.log 2>&1",
                "\tm=$?",
                "\tmt1=$(up)",
                "\ttr '\\r' '\\n' < /tmp/makedumpfile.log | grep -v '^ *$' | tail -n 12 | sed 's/^/" + PREFIX + " log: /'",
                "\tcp /tmp/makedumpfile.log " + out + "/makedumpfile.log",
                "\techo \"" + PREFIX + " exit=$m jkdump=$jt0..$jt1 makedumpfile=$mt0..$mt1\"",
                "fi",
                "");
        return init.replaceFirst(Pattern.quote(java), "jt0=\\$(up)\n" + java.replace("$", "\\$")).replace("\nrc=$?\n", "\n" + block);
    }

    /** Reads the times from the console and compares the two dumps page by page. */
    static Comparison compare(Path jkdumpDump, Path extracted, GuestConsole console) {
        var line = console.find(PREFIX + " exit=").orElseThrow(() -> new DrillException("compare",
                "the capture kernel did not run makedumpfile (no '" + PREFIX + " exit=' line)", console.tail(20)));
        var m = RESULT.matcher(line);
        if (!m.find()) throw new DrillException("compare", "cannot read the times in: " + line, console.tail(20));
        if (!m.group(1).equals("0")) throw new DrillException("compare", "makedumpfile failed in the capture kernel: " + line, console.tail(20));
        double jk = Double.parseDouble(m.group(3)) - Double.parseDouble(m.group(2));
        double mdf = Double.parseDouble(m.group(5)) - Double.parseDouble(m.group(4));
        var status = console.find("JKDUMP-CAPTURE:").orElse("");
        var s = SECONDS.matcher(status);
        double collect = s.find() ? Double.parseDouble(s.group(1)) : Double.NaN;
        Path other = extracted.resolve(DIR).resolve("vmcore");
        if (!Files.isRegularFile(other)) throw new DrillException("compare", "no " + other + " on the output disk", console.tail(20));
        try (var a = DumpFiles.open(jkdumpDump); var b = DumpFiles.open(other)) {
            var ma = a.memory();
            var mb = b.memory();
            long[] fa = ma.presentFrames().toArray(), fb = mb.presentFrames().toArray();
            var differences = new ArrayList<String>();
            long same = 0, differing = 0;
            int ps = ma.pageSize();
            byte[] pa = new byte[ps], pb = new byte[mb.pageSize()];
            int i = 0, j = 0;
            while (i < fa.length || j < fb.length) {
                long x = i < fa.length ? fa[i] : Long.MAX_VALUE, y = j < fb.length ? fb[j] : Long.MAX_VALUE;
                if (x == y) {
                    ma.readPage(x, pa, 0);
                    mb.readPage(y, pb, 0);
                    if (Arrays.equals(pa, pb)) same++;
                    else note(differences, ++differing, String.format("pfn %#x: different bytes", x));
                    i++;
                    j++;
                } else if (x < y) {
                    note(differences, ++differing, String.format("pfn %#x: only in jkdump's dump", x));
                    i++;
                } else {
                    note(differences, ++differing, String.format("pfn %#x: only in makedumpfile's dump", y));
                    j++;
                }
            }
            return new Comparison(jk, collect, mdf, Files.size(jkdumpDump), Files.size(other), other, fa.length, fb.length, same,
                    differing, differences);
        } catch (java.io.IOException e) {
            throw new JkdumpException(other + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static void note(List<String> differences, long count, String what) {
        if (count <= 10) differences.add(what);
    }
}
