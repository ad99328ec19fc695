package org.jkdump.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jkdump.crash.Analyzer;
import org.jkdump.crash.JsonRenderer;
import org.jkdump.crash.Session;
import org.jkdump.format.DumpFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jkdump analyze}: the one-screen triage report of a dump, as text, JSON or HTML. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "What went wrong, on one screen: kernel, crash time, panic message, oops line and function, taint, "
                + "panicking CPU and task with its registers, last log lines, tainting modules, memory, crash signature.",
        footer = {"", "Examples:",
                "  jkdump analyze vmcore",
                "  jkdump analyze --format json vmcore > report.json",
                "  jkdump analyze --format html vmcore > report.html"})
final class AnalyzeCommand implements Callable<Integer>, ReadsDumps {
    enum Format { text, json, html }

    @Parameters(index = "0", paramLabel = "DUMP", description = "the dump file")
    Path dump;

    @Option(names = "--format", paramLabel = "FORMAT", description = "text (default), json or html")
    Format format = Format.text;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public java.util.List<Path> files() {
        return java.util.List.of(dump);
    }

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        try (var session = new Session(DumpFiles.open(dump))) {
            var a = Analyzer.analyze(session);
            switch (format) {
                case text -> a.renderText(out);
                case json -> JsonRenderer.render(a, out);
                case html -> a.renderHtml(out);
            }
            out.flush();
        }
        return Main.EXIT_OK;
    }
}
