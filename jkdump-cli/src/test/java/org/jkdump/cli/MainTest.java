package org.jkdump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

/** The top level: which subcommands a run builds, help, usage errors. */
class MainTest {
    record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        int status = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(status, out.toString(), err.toString());
    }

    private static String name(Class<?> command) {
        return command.getAnnotation(Command.class).name();
    }

    @Test
    void topLevelHelpListsEveryCommand() {
        var r = run("--help");
        assertThat(r.status()).isZero();
        for (Class<?> c : Main.COMMANDS) assertThat(r.out()).contains("  " + name(c) + " ");
    }

    @Test
    void aRunBuildsOnlyTheCommandItNames() {
        var cli = new picocli.CommandLine(new Main());
        Main.addSubcommands(cli, new String[]{"--debug", "dmesg", "--format", "vmcore-dmesg", "vmcore"});
        assertThat(cli.getSubcommands()).containsOnlyKeys("dmesg");
        assertThat(cli.getSubcommands().get("dmesg").getCommandSpec().findOption("--debug"))
                .as("--debug is inherited by the subcommand").isNotNull();
    }

    @Test
    void helpOnOneCommandNamesItUnderJkdump() {
        var r = run("help", "dmesg");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("Usage: jkdump dmesg");
        assertThat(run("dmesg", "--help").out()).contains("Usage: jkdump dmesg");
    }

    @Test
    void aMisspeltCommandIsAUsageErrorThatSuggestsTheRightOne() {
        var r = run("dmseg", "vmcore");
        assertThat(r.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("dmseg").contains("dmesg").contains("jkdump --help");
    }

    @Test
    void noCommandIsAUsageError() {
        var r = run();
        assertThat(r.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("a command is required");
    }
}
