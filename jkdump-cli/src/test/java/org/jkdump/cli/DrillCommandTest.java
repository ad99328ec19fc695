package org.jkdump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code jkdump drill}'s options, checked before anything is installed or booted. */
class DrillCommandTest {
    private final StringWriter out = new StringWriter(), err = new StringWriter();

    private int run(String... args) {
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void refusesAnUnknownTargetBeforeDoingAnything() {
        assertThat(run("drill", "--target", "nfs")).isEqualTo(Main.EXIT_FAILED);
        assertThat(err.toString()).contains("--target must be disk or ssh, not 'nfs'");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void refusesTheMakedumpfileComparisonOverSsh() {
        assertThat(run("drill", "--target", "ssh", "--compare-makedumpfile")).isEqualTo(Main.EXIT_FAILED);
        assertThat(err.toString()).contains("--compare-makedumpfile saves makedumpfile's dump on the guest's output disk: it needs --target disk");
    }

    @Test
    void helpShowsTheSshTargetWithAnExample() {
        assertThat(run("drill", "--help")).isZero();
        assertThat(out.toString()).contains("--target=disk|ssh").contains("jkdump drill --yes --target ssh").contains("openssh-server");
    }
}
