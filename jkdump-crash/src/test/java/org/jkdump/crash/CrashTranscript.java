package org.jkdump.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.jkdump.format.Fixtures;

/**
 * What crash printed, from a fixture's crash.txt: sections that start with a line
 * {@code ### CMD: <command>}, each the command's output lines. Other {@code ###} lines
 * (the crash version, the command line, what the run was) are comments, kept apart, and so
 * is what crash printed before the first command (its complaints while it started).
 * Comparison helpers put both sides in every mismatch message.
 */
public record CrashTranscript(Path file, List<Section> sections, List<String> comments, List<String> preamble) {
    private static final String CMD = "### CMD: ";

    /** One command and the lines crash printed for it. */
    public record Section(String command, List<String> lines) {
        public String text() {
            return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
        }
    }

    public static CrashTranscript of(String fixtureDir) {
        var path = Fixtures.file(fixtureDir, "crash.txt");
        return parse(path, Fixtures.text(fixtureDir, "crash.txt"));
    }

    public static CrashTranscript parse(Path file, String text) {
        var sections = new ArrayList<Section>();
        var comments = new ArrayList<String>();
        var preamble = new ArrayList<String>();
        String cmd = null;
        var lines = new ArrayList<String>();
        for (var line : text.split("\n", -1)) {
            if (line.startsWith(CMD)) {
                if (cmd != null) sections.add(new Section(cmd, List.copyOf(lines)));
                cmd = line.substring(CMD.length()).strip();
                lines.clear();
            } else if (line.startsWith("### ")) {
                comments.add(line.substring(4));
            } else if (cmd != null) {
                lines.add(line);
            } else if (!line.isBlank()) {
                preamble.add(line);
            }
        }
        if (cmd != null) {
            while (!lines.isEmpty() && lines.getLast().isEmpty()) lines.removeLast();
            sections.add(new Section(cmd, List.copyOf(lines)));
        }
        return new CrashTranscript(file, List.copyOf(sections), List.copyOf(comments), List.copyOf(preamble));
    }

    /** The value of the comment line {@code ### KEY: value}; fails the test when there is none. */
    public String comment(String key) {
        return comments.stream().filter(c -> c.startsWith(key + ": ")).map(c -> c.substring(key.length() + 2)).findFirst()
                .orElseThrow(() -> new AssertionError("no '### " + key + ":' line in " + file));
    }

    /** The one section for exactly this command; fails the test when it is missing or repeated. */
    public Section section(String command) {
        var found = sections.stream().filter(s -> s.command().equals(command)).toList();
        assertThat(found).as("sections '### CMD: %s' in %s", command, file).hasSize(1);
        return found.getFirst();
    }

    /** crash's {@code KEY: value} lines (sys, set), keys stripped of their right-justifying blanks. */
    public static Map<String, String> keyValues(List<String> lines) {
        var m = new LinkedHashMap<String, String>();
        for (var l : lines) {
            int c = l.indexOf(": ");
            if (c > 0) m.put(l.substring(0, c).strip(), l.substring(c + 2).strip());
        }
        return m;
    }

    /** Rows of a table split at blanks, the header line(s) dropped. */
    public static List<List<String>> rows(List<String> lines, int headerLines) {
        return lines.stream().skip(headerLines).filter(l -> !l.isBlank())
                .map(l -> List.of(l.strip().split("\\s+"))).toList();
    }

    /** Every key of crash's map compared with ours; every mismatch reported with both values. */
    public static void assertSameFields(String what, Map<String, String> ours, Map<String, String> crash) {
        var soft = new SoftAssertions();
        for (var e : crash.entrySet())
            soft.assertThat(ours.get(e.getKey()))
                    .as("%s field %s: crash says \"%s\", jkdump says \"%s\"", what, e.getKey(), e.getValue(), ours.get(e.getKey()))
                    .isEqualTo(e.getValue());
        soft.assertAll();
    }

    /** Line by line; the message shows the first differing line of each side and its number. */
    public static void assertSameLines(String what, List<String> ours, List<String> crash) {
        int n = Math.min(ours.size(), crash.size());
        for (int i = 0; i < n; i++) {
            if (!ours.get(i).equals(crash.get(i)))
                throw new AssertionError(String.format("%s line %d differs:%n  crash:  %s%n  jkdump: %s", what, i + 1,
                        crash.get(i), ours.get(i)));
        }
        if (ours.size() != crash.size())
            throw new AssertionError(String.format("%s: crash has %d lines, jkdump %d; first extra: %s", what,
                    crash.size(), ours.size(), ours.size() > crash.size() ? "jkdump: " + ours.get(n) : "crash: " + crash.get(n)));
    }
}
