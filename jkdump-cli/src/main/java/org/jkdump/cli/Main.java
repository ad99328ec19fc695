package org.jkdump.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.jkdump.format.JkdumpException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code jkdump} program: one picocli command with a subcommand per job. Exit status 0
 * on success, 1 when the work failed (bad input, environment, I/O), 2 for a usage error.
 * Messages go to stderr as {@code jkdump: <what is wrong>}; a stack trace only with --debug.
 */
@Command(name = "jkdump", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"The Linux kdump toolchain in one program: read, filter and analyse kernel crash dumps.", ""},
        footer = {"", "Examples:",
                "  jkdump drill --yes                 crash a Debian kernel under QEMU and show the whole kdump cycle",
                "  jkdump info vmcore                 what a dump holds (format, memory, kernel, CPUs)",
                "  jkdump info --json vmcore.flat     the same as JSON",
                "  jkdump dmesg vmcore                the kernel log, as makedumpfile prints it",
                "  jkdump crash vmcore -c sys         crash commands on a dump (interactive without -c)",
                "  jkdump collect -l -d 31 /proc/vmcore vmcore   filter and compress, as makedumpfile",
                "  jkdump status                      is this machine armed: reservation, capture kernel, target",
                "  jkdump <command> --help            help on one command"})
public final class Main implements Runnable {
    public static final int EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2;
    static final int HELP_WIDTH = 120;

    /**
     * The subcommands, in the order help lists them. Not in {@code @Command(subcommands=...)}:
     * picocli reads every listed command's annotations before parsing (~35 ms for all of
     * them, a sixth of a {@code jkdump dmesg}), so a run adds only the command it names.
     */
    static final List<Class<?>> COMMANDS = List.of(InfoCommand.class, CollectCommand.class, DmesgCommand.class,
            CrashCommand.class, AnalyzeCommand.class, ArmingCommands.Load.class, ArmingCommands.Unload.class,
            ArmingCommands.StatusCommand.class, CaptureCommands.Initramfs.class, CaptureCommands.CaptureCommand.class,
            DrillCommand.class, CommandLine.HelpCommand.class);

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "print stack traces on errors")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams; returns the exit status. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        var main = new Main();
        var cli = new CommandLine(main);
        addSubcommands(cli, args);
        // the examples in every command's footer are one line each: wider than picocli's 80 columns
        cli.setUsageHelpWidth(HELP_WIDTH);
        cli.setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            boolean debug = parseResult.hasMatchedOption("--debug") || main.debug;
            if (debug) ex.printStackTrace(err);
            var msg = message(ex);
            if (ex instanceof JkdumpException && cmd.getCommand() instanceof ReadsDumps r) msg = r.named(msg);
            err.println("jkdump: " + msg);
            err.flush();
            return EXIT_FAILED;
        });
        cli.setParameterExceptionHandler((ex, argv) -> {
            err.println("jkdump: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            var cmd = ex.getCommandLine();
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return EXIT_USAGE;
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) {
            // picocli hands only Exceptions to the handler above; an Error from hostile input
            // still ends as one line and status 1, never as a JVM stack trace
            if (main.debug || Arrays.asList(args).contains("--debug")) e.printStackTrace(err);
            err.println("jkdump: " + message(e));
            err.flush();
            return EXIT_FAILED;
        }
    }

    /**
     * Adds the subcommand the arguments name (the first one that is not an option: the top
     * level has only flags), or all of them for top-level help, {@code help COMMAND}, a
     * misspelt name or none, where picocli lists or suggests them.
     */
    static void addSubcommands(CommandLine cli, String[] args) {
        String named = Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse("");
        var chosen = COMMANDS.stream().filter(c -> c.getAnnotation(Command.class).name().equals(named)).toList();
        for (Class<?> command : chosen.isEmpty() || named.equals("help") ? COMMANDS : chosen) cli.addSubcommand(command);
    }

    static String message(Throwable ex) {
        return switch (ex) {
            case JkdumpException j -> j.getMessage();
            case OutOfMemoryError o -> "out of memory (" + o.getMessage() + "); the input is larger than this tool expects or is corrupt";
            case StackOverflowError s -> "stack overflow: the input nests deeper than this tool follows; it is corrupt";
            case IOException io -> "I/O error: " + io.getMessage();
            default -> ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage())
                    + " (an internal error; rerun with --debug and report it)";
        };
    }

    /** The version from the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            var p = new Properties();
            try (var in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) p.load(in);
            }
            return new String[]{"jkdump " + p.getProperty("version", "unknown") + " (Java " + Runtime.version() + ")"};
        }
    }
}
