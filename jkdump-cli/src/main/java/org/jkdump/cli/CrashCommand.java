package org.jkdump.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jkdump.crash.Commands;
import org.jkdump.crash.Interpreter;
import org.jkdump.crash.Session;
import org.jkdump.crash.Shell;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.JkdumpException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jkdump crash}: crash's commands on a dump, from the dump alone (a System.map or
 * vmlinux may be added, as crash takes them). Interactive on a terminal; batch with
 * {@code -c}, {@code -i} or commands on stdin, exit status 1 when any command failed.
 */
@Command(name = "crash", mixinStandardHelpOptions = true,
        description = "crash-compatible analysis shell: sys, log, ps, mod, kmem, rd, sym, struct, task, files, vm, ... "
                + "Works from the dump alone; interactive on a terminal, batch otherwise.",
        footer = {"", "Examples:",
                "  jkdump crash vmcore                         interactive shell (help lists the commands)",
                "  jkdump crash vmcore -c 'sys; ps; log'       run commands and exit",
                "  jkdump crash vmcore --json -c 'ps'          the same records as JSON",
                "  echo 'bt -a' | jkdump crash vmcore          commands from stdin",
                "  jkdump crash -i cmds.txt vmcore System.map  a command file, with extra symbols"})
final class CrashCommand implements Callable<Integer>, ReadsDumps {
    @Parameters(index = "0", paramLabel = "DUMP", description = "the dump file")
    Path dump;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "MAP|VMLINUX", description = "a System.map or vmlinux (optional)")
    List<Path> extra = new ArrayList<>();

    @Option(names = {"-m", "--map"}, paramLabel = "FILE", description = "a System.map or vmlinux (optional)")
    List<Path> maps = new ArrayList<>();

    @Option(names = "-c", paramLabel = "CMDS", description = "run these commands (separated by ';') and exit")
    List<String> commands = new ArrayList<>();

    @Option(names = "-i", paramLabel = "FILE", description = "run the commands in FILE and exit")
    Path input;

    @Option(names = "--json", description = "print each command's result as JSON (as 'set json on')")
    boolean json;

    @picocli.CommandLine.ParentCommand
    Main main;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public List<Path> files() {
        var files = new ArrayList<Path>();
        files.add(dump);
        files.addAll(maps);
        files.addAll(extra);
        if (input != null) files.add(input);
        return files;
    }

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        var extras = new ArrayList<>(maps);
        extras.addAll(extra);
        for (var p : extras)
            if (!Files.isReadable(p)) throw new JkdumpException(p + ": cannot read (not found or no permission)");
        try (var session = new Session(DumpFiles.open(dump), extras.stream().findFirst())) {
            if (json) session.settings(session.settings().withJson(true));
            var interp = new Interpreter(Commands.registry(), session, main != null && main.debug);
            var lines = new ArrayList<String>(commands);
            if (input != null) {
                try (var r = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
                    lines.addAll(Shell.readLines(r));
                } catch (java.io.IOException e) {
                    throw new JkdumpException(input + ": cannot read: " + e.getMessage());
                }
            }
            if (!lines.isEmpty()) return Shell.batch(interp, lines, out, err);
            var console = System.console();
            if (console == null || !console.isTerminal())
                return Shell.batch(interp, Shell.readLines(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))), out, err);
            return Shell.interactive(interp, new org.jkdump.crash.Completions(session)::candidates);
        }
    }
}
