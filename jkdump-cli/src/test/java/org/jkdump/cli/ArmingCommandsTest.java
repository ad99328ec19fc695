package org.jkdump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArmingCommandsTest {
    private final StringWriter out = new StringWriter(), err = new StringWriter();

    private int run(String... args) {
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"load", "unload", "status", "initramfs", "capture", "drill"})
    void everyArmingCommandHasHelpWithExamples(String command) {
        assertThat(run(command, "--help")).isZero();
        assertThat(out.toString()).contains("Usage: jkdump " + command).contains("Example");
    }

    @Test
    void loadRefusesAFileThatIsNotAKernelBeforeAnySystemCall(@TempDir Path dir) throws Exception {
        Path fake = Files.write(dir.resolve("vmlinuz"), new byte[8192]);
        Path initrd = Files.write(dir.resolve("initrd"), new byte[16]);
        assertThat(run("load", "--kernel", fake.toString(), "--initrd", initrd.toString())).isEqualTo(Main.EXIT_FAILED);
        assertThat(err.toString()).contains(fake + ": offset 0x202: no \"HdrS\" setup header signature");
    }

    @Test
    void loadNamesAMissingInitramfsAndHowToBuildIt(@TempDir Path dir) {
        assertThat(run("load", "--kernel", "/nonexistent", "--initrd", dir.resolve("none.img").toString())).isEqualTo(Main.EXIT_FAILED);
        assertThat(err.toString()).contains("none.img: no such initramfs (build it with 'jkdump initramfs --output");
    }

    @Test
    void statusJsonReportsReservationAndTarget(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("jkdump.conf"), "path " + dir + "\n");
        assertThat(run("status", "--json", "--config", conf.toString(), "--kernel", dir.resolve("k").toString())).isZero();
        var json = Json.mapper().readTree(out.toString());
        assertThat(json.has("reservationBytes")).isTrue();
        assertThat(json.get("target").asText()).isEqualTo("local " + dir);
        assertThat(json.get("targetReachable").asBoolean()).isTrue();
        assertThat(json.get("problems").get(0).asText()).contains("no sizing advice");
    }

    @Test
    void captureOutsideACaptureKernelFailsWithAStatusLine(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("jkdump.conf"), "path " + dir + "\n");
        assertThat(run("capture", "--config", conf.toString(), "--vmcore", dir.resolve("vmcore").toString())).isEqualTo(Main.EXIT_FAILED);
    }

    @Test
    void badConfigLineIsAUserError(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("jkdump.conf"), "path /var/crash\nfinal_action dance\n");
        assertThat(run("status", "--config", conf.toString())).isEqualTo(Main.EXIT_FAILED);
        assertThat(err.toString()).contains(conf + ": line 2: final_action must be reboot, halt or poweroff, not 'dance'");
    }

    @Test
    void drillRefusesUnknownCrashType() {
        assertThat(run("drill", "--crash", "meteor")).isEqualTo(Main.EXIT_FAILED);
        assertThat(err.toString()).contains("--crash must be sysrq, oops, bug, panic, irq, oom, lockup, stack, warn, hung or nmi, not 'meteor'");
    }
}
