package org.jkdump.cli.fuzz;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.jkdump.cli.Main;

/**
 * The damaged-dump campaign: makes mutants of the real fixtures ({@link DumpMutator}), runs
 * jkdump's commands on each — in this JVM through {@link Main#run}, or through the real
 * {@code bin/jkdump} with {@code --cli} — and judges every run ({@link Verdict}). Prints one
 * line per failed run and a summary by failure class, command and mutation kind.
 *
 * <pre>
 * FuzzCampaign --fixtures DIR --work DIR [--elf FILE] [--seed N] [--start I] [--count N] [--cli BIN] [--timeout S]
 *              [--commands info,dmesg,...] [--options] [--full-dir DIR]
 * </pre>
 *
 * A run past its time bound is reported with the thread's stack, then the JVM exits with
 * status 3 (the thread cannot be stopped); {@code bench/fuzz-inputs.sh} resumes after it.
 */
public final class FuzzCampaign {
    /** One command line to run on a mutant; {@code DUMP} and {@code OUT} are replaced. */
    public record Command(String name, List<String> args, boolean crash) {
        List<String> on(Path dump, Path out) {
            return args.stream().map(a -> a.replace("DUMP", dump.toString()).replace("OUT", out.toString())).toList();
        }
    }

    public static final List<Command> COMMANDS = List.of(
            new Command("info", List.of("info", "DUMP"), false),
            new Command("info-json", List.of("info", "--json", "DUMP"), false),
            new Command("dmesg", List.of("dmesg", "DUMP"), false),
            new Command("analyze", List.of("analyze", "DUMP"), false),
            new Command("crash", List.of("crash", "DUMP", "-c", "sys; ps; bt -a; log; kmem -i"), true),
            new Command("collect", List.of("collect", "-l", "-d", "31", "DUMP", "OUT"), false));

    /** How one command line was run. */
    public interface Runner {
        Result run(List<String> args, int timeoutSeconds);
    }

    /** Exit status, output, time; {@code stack} is the stuck thread's stack after a timeout. */
    public record Result(int status, String out, String err, double seconds, boolean timedOut, String stack) {
    }

    /** Runs Main in this JVM on a thread of its own, so that a hang is seen (and reported) rather than waited out. */
    public static Result inProcess(List<String> args, int timeoutSeconds) {
        var out = new StringWriter();
        var err = new StringWriter();
        int[] status = {-1};
        long t0 = System.nanoTime();
        var t = Thread.ofPlatform().daemon().start(() -> {
            try {
                status[0] = Main.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
            } catch (Throwable x) {
                var sw = new StringWriter();
                x.printStackTrace(new PrintWriter(sw));
                err.write("uncaught: " + sw);
                status[0] = 99;
            }
        });
        try {
            t.join(timeoutSeconds * 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        if (t.isAlive()) {
            var stack = new StringBuilder();
            for (var e : t.getStackTrace()) stack.append("\tat ").append(e).append('\n');
            return new Result(-1, out.toString(), err.toString(), s, true, stack.toString());
        }
        return new Result(status[0], out.toString(), err.toString(), s, false, "");
    }

    /** Runs the real launcher in a process with -Xmx256m; a timeout kills it and its children. */
    public static Runner cli(Path jkdump) {
        return (args, timeout) -> {
            var cmd = new ArrayList<String>();
            cmd.add(jkdump.toString());
            cmd.addAll(args);
            long t0 = System.nanoTime();
            try {
                var pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
                pb.environment().put("JKDUMP_JAVA_OPTS", "-Xmx256m");
                var outFile = Files.createTempFile("fuzz", ".out");
                var errFile = Files.createTempFile("fuzz", ".err");
                pb.redirectOutput(outFile.toFile()).redirectError(errFile.toFile());
                var p = pb.start();
                boolean done = p.waitFor(timeout, TimeUnit.SECONDS);
                if (!done) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor();
                }
                var r = new Result(done ? p.exitValue() : -1, Files.readString(outFile, StandardCharsets.ISO_8859_1),
                        Files.readString(errFile, StandardCharsets.ISO_8859_1), (System.nanoTime() - t0) / 1e9, !done, "");
                Files.delete(outFile);
                Files.delete(errFile);
                return r;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** The fixtures the campaign damages, laid out by {@link FixtureLayout}. */
    public static List<FixtureLayout> fixtures(Path dir, Path elf) {
        var l = new ArrayList<FixtureLayout>();
        l.add(FixtureLayout.of("sysrq.kdump-zlib", dir.resolve("kdump-sysrq/vmcore.kdump-zlib")));
        l.add(FixtureLayout.of("sysrq.kdump-lzo", dir.resolve("kdump-sysrq/vmcore.kdump-lzo")));
        l.add(FixtureLayout.of("sysrq.flat", dir.resolve("kdump-sysrq/vmcore.flat")));
        if (elf != null) l.add(FixtureLayout.of("sysrq.elf", elf));
        l.add(FixtureLayout.of("oops.kdump-lzo", dir.resolve("kdump-oops-module/vmcore.kdump-lzo")));
        return l;
    }

    /** How often each command ended with each exit status ("dmesg 0"), over the whole campaign. */
    static final Map<String, Integer> STATUSES = new java.util.concurrent.ConcurrentSkipListMap<>();

    /** The slowest run so far (how close the campaign came to its time bound). */
    static final StringBuilder SLOWEST = new StringBuilder();
    static double slowestSeconds;

    /** Runs {@code commands} on one mutant; returns the failed verdicts. */
    public static List<Verdict> runMutant(DumpMutant m, Path work, List<Command> commands, Runner runner, int timeout,
                                          Map<String, String> stuck) {
        var dump = work.resolve("mutant-" + m.id() + "." + m.fixture());
        var out = work.resolve("out-" + m.id() + ".kdump");
        m.write(dump);
        var failed = new ArrayList<Verdict>();
        try {
            for (var c : commands) {
                var r = runner.run(c.on(dump, out), timeout);
                STATUSES.merge(c.name() + " " + (r.timedOut() ? "timeout" : r.status()), 1, Integer::sum);
                synchronized (SLOWEST) {
                    if (r.seconds() > slowestSeconds) {
                        slowestSeconds = r.seconds();
                        SLOWEST.setLength(0);
                        SLOWEST.append(String.format("%.1f s: %s on %s", r.seconds(), c.name(), m));
                    }
                }
                var v = Verdict.judge(c.name(), r.status(), r.seconds(), r.timedOut(), r.out(), r.err(), dump.toString(), c.crash(), false);
                if (r.status() == 1) messages(work, c.name() + ": " + v.message().replace(dump.toString(), "DUMP"));
                var problems = new ArrayList<>(v.problems());
                if (c.name().equals("collect") && r.status() == 1 && Files.exists(out)) problems.add("output left behind after a failure");
                if (!problems.isEmpty()) {
                    failed.add(new Verdict(v.command(), v.status(), v.seconds(), v.err(), List.copyOf(problems)));
                    if (r.timedOut()) stuck.put(c.name(), r.stack());
                }
                if (r.timedOut()) break;
                deleteQuietly(out);
                deleteQuietly(Path.of(out + ".incomplete"));
            }
        } finally {
            if (stuck.isEmpty()) deleteQuietly(dump);
        }
        return failed;
    }

    /** Appends a failure message (the dump's path replaced by DUMP) to messages.txt, to read them by kind. */
    static synchronized void messages(Path work, String message) {
        try {
            Files.writeString(work.resolve("messages.txt"), message + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // left for the next run to overwrite
        }
    }

    public static void main(String[] argv) throws IOException {
        var a = new LinkedHashMap<String, String>();
        for (int i = 0; i < argv.length; i++) {
            String k = argv[i];
            boolean flag = k.equals("--options");
            a.put(k, flag ? "true" : argv[++i]);
        }
        var work = Path.of(a.getOrDefault("--work", "/dev/shm/jkdump-fuzz"));
        Files.createDirectories(work);
        int timeout = Integer.parseInt(a.getOrDefault("--timeout", "20"));
        Runner runner = a.containsKey("--cli") ? cli(Path.of(a.get("--cli"))) : FuzzCampaign::inProcess;
        var log = new PrintWriter(Files.newBufferedWriter(work.resolve("failures.txt"), StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND), true);

        if (a.containsKey("--options")) {
            var cases = WrongOptions.cases(Path.of(a.get("--fixtures")), work, a.containsKey("--full-dir") ? Path.of(a.get("--full-dir")) : null);
            int bad = 0;
            for (var c : cases) {
                c.before().run();
                var r = runner.run(c.args(), timeout);
                var v = Verdict.judge(c.name(), r.status(), r.seconds(), r.timedOut(), r.out(), r.err(), c.file(),
                        c.args().getFirst().equals("crash"), c.usage());
                var problems = new ArrayList<>(v.problems());
                problems.addAll(c.check().apply(r));
                String line = String.format("%-4s %-44s status %d %5.1fs  %s%s", problems.isEmpty() ? "ok" : "FAIL", c.name(), r.status(),
                        r.seconds(), v.message(), problems.isEmpty() ? "" : "  <<< " + String.join("; ", problems));
                System.out.println(line);
                if (!problems.isEmpty()) {
                    bad++;
                    log.println("OPTIONS " + line + "\n" + r.err().indent(4) + r.stack());
                }
                if (r.timedOut() && !a.containsKey("--cli")) System.exit(3);  // the stuck thread cannot be stopped
            }
            System.out.printf("options: %d cases, %d failed%n", cases.size(), bad);
            System.exit(bad == 0 ? 0 : 1);
        }

        Path elf = a.containsKey("--elf") ? Path.of(a.get("--elf")) : null;
        var fixtures = fixtures(Path.of(a.get("--fixtures")), elf);
        fixtures.forEach(f -> System.out.println("fixture " + f));
        var commands = a.containsKey("--commands")
                ? COMMANDS.stream().filter(c -> Arrays.asList(a.get("--commands").split(",")).contains(c.name())).toList()
                : COMMANDS;
        var mutator = new DumpMutator(fixtures, Long.parseLong(a.getOrDefault("--seed", "1")));
        int start = Integer.parseInt(a.getOrDefault("--start", "0")), count = Integer.parseInt(a.getOrDefault("--count", "100"));
        var byClass = new TreeMap<String, Integer>();
        var byCommand = new TreeMap<String, Integer>();
        var byKind = new TreeMap<String, Integer>();
        var kinds = new TreeMap<String, Integer>();
        int failedMutants = 0, runs = 0;
        long t0 = System.nanoTime();
        for (int id = start; id < start + count; id++) {
            var m = mutator.mutant(id);
            kinds.merge(m.kind(), 1, Integer::sum);
            var stuck = new LinkedHashMap<String, String>();
            var failed = runMutant(m, work, commands, runner, timeout, stuck);
            runs += commands.size();
            if (!failed.isEmpty()) {
                failedMutants++;
                byKind.merge(m.kind(), 1, Integer::sum);
                for (var v : failed) {
                    byCommand.merge(v.command(), 1, Integer::sum);
                    v.problems().forEach(p -> byClass.merge(p, 1, Integer::sum));
                    String line = "FAIL " + m + " | " + v.command() + " | status " + v.status() + String.format(" %.1fs", v.seconds())
                            + " | " + String.join("; ", v.problems()) + " | " + v.message();
                    System.out.println(line);
                    log.println(line);
                    log.println(v.err().lines().limit(30).map(s -> "    " + s).reduce("", (x, y) -> x + y + "\n"));
                }
                stuck.forEach((c, s) -> log.println("STUCK " + m + " " + c + "\n" + s));
            }
            if (!stuck.isEmpty()) {
                System.out.println("HUNG " + m + ": stopping this JVM (resume with --start " + (id + 1) + ")");
                summary(id - start + 1, runs, failedMutants, byClass, byCommand, byKind, kinds, t0);
                System.exit(3);
            }
            if ((id - start + 1) % 25 == 0)
                System.out.printf("... %d mutants, %d failed, %.0f s%n", id - start + 1, failedMutants, (System.nanoTime() - t0) / 1e9);
        }
        summary(count, runs, failedMutants, byClass, byCommand, byKind, kinds, t0);
        System.exit(failedMutants == 0 ? 0 : 1);
    }

    static void summary(int mutants, int runs, int failed, Map<String, Integer> byClass, Map<String, Integer> byCommand,
                        Map<String, Integer> byKind, Map<String, Integer> kinds, long t0) {
        System.out.printf("SUMMARY mutants %d, runs %d, failed mutants %d, %.0f s%n", mutants, runs, failed, (System.nanoTime() - t0) / 1e9);
        System.out.println("  mutation kinds: " + kinds);
        System.out.println("  failures by class: " + byClass);
        System.out.println("  failures by command: " + byCommand);
        System.out.println("  failed mutants by kind: " + byKind);
        System.out.println("  exit statuses: " + STATUSES);
        System.out.println("  slowest run: " + SLOWEST);
    }
}
