package org.jkdump.cli.fuzz;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Wrong command lines and files that are not dumps, for every command that reads a dump:
 * unknown options, missing arguments, numbers that are not numbers or out of range, missing,
 * empty, directory, FIFO, device and text files, unwritable and full output locations.
 *
 * @param usage whether the case is a usage error (exit status 2 or 1 expected, never 0)
 * @param file  the name a failure message must carry (null: any)
 * @param check more checks on the result (e.g. nothing left behind), each returning problems
 */
public record WrongOptions(String name, List<String> args, boolean usage, String file, Runnable before,
                           Function<FuzzCampaign.Result, List<String>> check) {
    WrongOptions(String name, List<String> args, boolean usage, String file, Function<FuzzCampaign.Result, List<String>> check) {
        this(name, args, usage, file, () -> { }, check);
    }

    static WrongOptions usage(String name, String... args) {
        return new WrongOptions(name, List.of(args), true, null, r -> List.of());
    }

    static WrongOptions fails(String name, String file, String... args) {
        return new WrongOptions(name, List.of(args), false, file, r -> r.status() == 1 ? List.of() : List.of("expected exit status 1"));
    }

    /** The cases; {@code full} is a small filesystem to fill (null: those cases are left out). */
    public static List<WrongOptions> cases(Path fixtures, Path work, Path full) throws IOException {
        String d = fixtures.resolve("kdump-sysrq/vmcore.kdump-zlib").toString();
        String out = work.resolve("opt-out.kdump").toString();
        var c = new ArrayList<WrongOptions>();
        for (var cmd : List.of("info", "dmesg", "analyze", "crash", "collect")) {
            c.add(usage(cmd + " unknown option", cmd, "--bogus", d));
            c.add(usage(cmd + " no dump", cmd));
        }
        c.add(usage("dmesg --format missing value", "dmesg", d, "--format"));
        c.add(usage("dmesg --format unknown", "dmesg", "--format", "klog", d));
        c.add(usage("dmesg -o missing value", "dmesg", d, "-o"));
        c.add(usage("analyze --format unknown", "analyze", "--format", "pdf", d));
        c.add(usage("analyze --format missing value", "analyze", d, "--format"));
        c.add(usage("crash -c missing value", "crash", d, "-c"));
        c.add(usage("crash -i missing value", "crash", d, "-i"));
        c.add(usage("collect one file", "collect", "-l", "-d", "31", d));
        c.add(usage("collect three files", "collect", "-l", "-d", "31", d, out, out + "2"));
        c.add(usage("collect -d missing value", "collect", "-l", d, out, "-d"));
        c.add(usage("collect -d abc", "collect", "-d", "abc", d, out));
        c.add(usage("collect -d 32", "collect", "-d", "32", d, out));
        c.add(usage("collect -d -1", "collect", "-d", "-1", d, out));
        c.add(usage("collect -d 31,99", "collect", "-d", "31,99", d, out));
        c.add(usage("collect -d empty", "collect", "-d", "", d, out));
        c.add(usage("collect -d 1e3", "collect", "-d", "1e3", d, out));
        c.add(usage("collect two codecs", "collect", "-l", "-c", d, out));
        c.add(usage("collect --num-threads x", "collect", "--num-threads", "x", d, out));
        c.add(usage("collect --num-threads 0", "collect", "--num-threads", "0", d, out));
        c.add(usage("collect --num-threads -3", "collect", "--num-threads", "-3", d, out));
        c.add(usage("collect --num-threads 100000", "collect", "--num-threads", "100000", d, out));
        c.add(usage("collect --memory-budget x", "collect", "--memory-budget", "x", d, out));
        c.add(usage("collect --memory-budget 0", "collect", "--memory-budget", "0", d, out));
        c.add(usage("collect --memory-budget -5", "collect", "--memory-budget", "-5", d, out));
        c.add(usage("collect --memory-budget huge", "collect", "--memory-budget", "99999999999999", d, out));
        c.add(usage("collect --message-level x", "collect", "--message-level", "x", d, out));
        c.add(usage("collect --message-level 99", "collect", "--message-level", "99", d, out));
        c.add(usage("collect --split one output", "collect", "--split", "-d", "31", d, out));
        c.add(usage("collect --reassemble one input", "collect", "--reassemble", d, out));
        c.add(usage("collect -F two files", "collect", "-F", d, out));

        // files that are not dumps
        var missing = work.resolve("no-such-dump").toString();
        var dir = Files.createDirectories(work.resolve("a-directory")).toString();
        var empty = work.resolve("empty-file");
        Files.write(empty, new byte[0]);
        var text = work.resolve("text-file");
        Files.writeString(text, "Just some text, not a crash dump.\n".repeat(100));
        var random = work.resolve("random-file");
        var rb = new byte[1 << 20];
        new Random(7).nextBytes(rb);
        Files.write(random, rb);
        var fifo = work.resolve("a-fifo");
        Files.deleteIfExists(fifo);
        try {
            new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        var files = new ArrayList<String>(List.of(missing, dir, empty.toString(), text.toString(), random.toString(), "/dev/zero",
                "/dev/null"));
        if (Files.exists(fifo)) files.add(fifo.toString());
        var kinds = List.of("missing", "directory", "empty", "text", "random", "/dev/zero", "/dev/null", "fifo");
        for (int i = 0; i < files.size(); i++) {
            String f = files.get(i);
            c.add(fails("info " + kinds.get(i), f, "info", f));
            c.add(fails("dmesg " + kinds.get(i), f, "dmesg", f));
            c.add(fails("analyze " + kinds.get(i), f, "analyze", f));
            c.add(fails("crash " + kinds.get(i), f, "crash", f, "-c", "sys"));
            c.add(fails("collect " + kinds.get(i), f, "collect", "-l", "-d", "31", f, out));
        }
        c.add(fails("info same file twice", d, "info", d, d));
        c.add(fails("info ELF and kdump as a split set", text.toString(), "info", d, text.toString()));
        c.add(fails("crash -m missing map", missing, "crash", d, "-m", missing, "-c", "sys"));
        c.add(fails("crash -i missing file", missing, "crash", d, "-i", missing));
        c.add(fails("crash map is a text file", null, "crash", d, text.toString(), "-c", "sym jiffies"));
        c.add(fails("crash map is random bytes", null, "crash", d, random.toString(), "-c", "sym jiffies"));
        c.add(fails("crash unknown command", null, "crash", d, "-c", "frobnicate"));
        c.add(fails("crash command usage", null, "crash", d, "-c", "rd"));
        c.add(fails("crash bad address", null, "crash", d, "-c", "rd 0xdeadbeef"));

        // outputs that cannot be written
        c.add(fails("collect into a missing directory", "no-such-dir", "collect", "-l", "-d", "31", d,
                work.resolve("no-such-dir/out").toString()));
        c.add(fails("collect onto a directory", dir, "collect", "-l", "-d", "31", d, dir));
        c.add(fails("collect into /proc", "/proc/jkdump-out", "collect", "-l", "-d", "31", d, "/proc/jkdump-out"));
        c.add(fails("collect below a file", text.toString(), "collect", "-l", "-d", "31", d, text + "/out"));
        c.add(fails("dmesg -o into a missing directory", "no-such-dir", "dmesg", "-o", work.resolve("no-such-dir/x").toString(), d));
        c.add(fails("dmesg -o into /proc", "/proc/jkdump-dmesg", "dmesg", "-o", "/proc/jkdump-dmesg", d));
        c.add(fails("dmesg -o onto a directory", dir, "dmesg", "-o", dir, d));
        c.add(fails("collect --dump-dmesg into /proc", "/proc/jkdump-dmesg", "collect", "--dump-dmesg", d, "/proc/jkdump-dmesg"));
        if (full != null) {
            String fullOut = full.resolve("vmcore").toString(), fullText = full.resolve("dmesg.txt").toString();
            c.add(onFullDisk("collect to a full disk", List.of("collect", "-l", "-d", "31", d, fullOut), fullOut, full, () -> { }));
            c.add(onFullDisk("collect -E to a full disk", List.of("collect", "-E", "-d", "31", d, fullOut), fullOut, full, () -> { }));
            c.add(onFullDisk("dmesg -o to a full disk", List.of("dmesg", "-o", fullText, d), fullText, full, () -> fill(full)));
        }
        return c;
    }

    /** A run that must fail with status 1 on the full file system at {@code full}, leaving no complete-looking {@code out}. */
    private static WrongOptions onFullDisk(String name, List<String> args, String out, Path full, Runnable before) {
        return new WrongOptions(name, args, false, out, before, r -> {
            var p = new ArrayList<String>();
            if (r.status() != 1) p.add("expected exit status 1");
            if (Files.exists(Path.of(out))) p.add("a complete-looking output left on the full disk");
            clear(full);
            return p;
        });
    }

    /** Fills the filesystem of {@code dir} to the last byte. */
    public static void fill(Path dir) {
        try (OutputStream o = Files.newOutputStream(dir.resolve("filler"))) {
            var b = new byte[4096];
            while (true) o.write(b);
        } catch (IOException e) {
            // full
        }
    }

    static void clear(Path dir) {
        try (var s = Files.list(dir)) {
            s.forEach(FuzzCampaign::deleteQuietly);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
