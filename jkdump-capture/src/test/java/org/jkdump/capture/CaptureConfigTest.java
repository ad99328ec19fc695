package org.jkdump.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class CaptureConfigTest {
    @Test
    void emptyFileGivesKdumpUtilsDefaults() {
        var c = CaptureConfig.parse("# nothing\n\n", "jkdump.conf");
        assertThat(c.target()).isEqualTo(new LocalTarget(Optional.empty(), Optional.empty(), Path.of("/var/crash")));
        assertThat(c.collectorFlags()).containsExactly("-l", "-d", "31");
        assertThat(c.failureAction()).isEqualTo(Action.REBOOT);
        assertThat(c.finalAction()).isEqualTo(Action.REBOOT);
    }

    @Test
    void parsesEveryDirective() {
        var c = CaptureConfig.parse("""
                path /dumps   # where
                ext4 LABEL=crash
                core_collector makedumpfile -c --message-level 7 -d 17
                failure_action shell
                final_action poweroff
                kdump_pre /etc/jkdump/pre.sh
                kdump_post /etc/jkdump/post.sh
                extra_modules nvme megaraid-sas
                extra_modules e1000e
                """, "jkdump.conf");
        var local = (LocalTarget) c.target();
        assertThat(local.device()).contains("LABEL=crash");
        assertThat(local.directoryInCaptureKernel()).isEqualTo(Path.of("/kdumproot/dumps"));
        assertThat(c.collectorFlags()).containsExactly("-c", "--message-level", "7", "-d", "17");
        assertThat(c.failureAction()).isEqualTo(Action.SHELL);
        assertThat(c.finalAction()).isEqualTo(Action.POWEROFF);
        assertThat(c.kdumpPre()).contains("/etc/jkdump/pre.sh");
        assertThat(c.kdumpPost()).contains("/etc/jkdump/post.sh");
        assertThat(c.extraModules()).containsExactly("nvme", "megaraid_sas", "e1000e");
    }

    @Test
    void renderedConfigParsesBackToTheSame() {
        var c = CaptureConfig.parse("ext4 /dev/vdb\npath /var/crash\nfinal_action halt\ncore_collector jkdump collect -p -d 1\n", "a");
        var again = CaptureConfig.parse(c.render(), "a");
        assertThat(again).usingRecursiveComparison().ignoringFields("source").isEqualTo(c);
    }

    @Test
    void readsAnSshTargetWithKeyAndPortAndWritesItBack() {
        var c = CaptureConfig.parse("ssh kdump@backup.example:2222\nsshkey /etc/jkdump/id_ecdsa\npath /dumps\n", "t");
        assertThat(c.target()).isEqualTo(new SshTarget("kdump", "backup.example", 2222, Path.of("/etc/jkdump/id_ecdsa"),
                SshTarget.DEFAULT_KNOWN_HOSTS, Path.of("/dumps")));
        assertThat(c.target().describe()).isEqualTo("ssh kdump@backup.example:2222:/dumps");
        assertThat(CaptureConfig.parse(c.render(), "rendered")).isEqualTo(new CaptureConfig("rendered", c.target(), c.collectorFlags(),
                c.failureAction(), c.finalAction(), c.kdumpPre(), c.kdumpPost(), c.extraModules()));
        var plain = CaptureConfig.parse("ssh root@10.0.2.2\n", "t");
        assertThat(plain.target()).isEqualTo(new SshTarget("root", "10.0.2.2", 22, SshTarget.DEFAULT_KEY, SshTarget.DEFAULT_KNOWN_HOSTS, Path.of("/var/crash")));
        assertThatThrownBy(() -> CaptureConfig.parse("ssh root@h\next4 /dev/vdb\n", "t")).hasMessageContaining("give either 'ssh' or a device line");
    }

    @Test
    void sshKnownHostsNamesTheServersKeyFileAndSurvivesRendering() {
        var c = CaptureConfig.parse("ssh root@10.0.2.2:40022\nsshkey /run/drill/client_key\nsshknownhosts /run/drill/known_hosts\n", "t");
        assertThat(c.target()).isEqualTo(new SshTarget("root", "10.0.2.2", 40022, Path.of("/run/drill/client_key"),
                Path.of("/run/drill/known_hosts"), Path.of("/var/crash")));
        // the capture kernel parses the rendered file: a non-default known_hosts must be in it
        assertThat(c.render()).contains("sshknownhosts /run/drill/known_hosts\n");
        assertThat(CaptureConfig.parse(c.render(), "rendered").target()).isEqualTo(c.target());
        assertThat(CaptureConfig.parse("ssh root@h\n", "t").render()).doesNotContain("sshknownhosts");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "frobnicate yes|line 2: unknown directive 'frobnicate'",
            "path var/crash|line 2: path must be absolute, not 'var/crash'",
            "path /a /b|line 2: path takes exactly one argument (a directory), found 2",
            "ext4 vdb|line 2: 'vdb' is not a device: use /dev/..., LABEL=... or UUID=...",
            "failure_action explode|line 2: failure_action must be reboot, halt, poweroff or shell, not 'explode'",
            "final_action shell|line 2: final_action must be reboot, halt or poweroff, not 'shell'",
            "core_collector jkdump collect -d 32|line 2: dump level 32 is not 0..31",
            "core_collector jkdump collect -d|line 2: -d needs a number",
            "core_collector jkdump collect -x|line 2: unknown collector flag '-x'",
            "core_collector cp|line 2: core_collector must be 'jkdump collect FLAGS'",
            "ssh backup|line 2: ssh needs user@host or user@host:port, not 'backup'",
            "ssh root@backup:99999|line 2: port 99999 is not 1..65535",
            "sshkey /root/.ssh/id|line 2: sshkey without an 'ssh user@host' line",
            "sshknownhosts /root/kh|line 2: sshknownhosts without an 'ssh user@host' line",
            "sshknownhosts kh|line 2: sshknownhosts needs an absolute path, not 'kh'",
            "nfs server:/dumps|line 2: the 'nfs' target is not supported yet",
            "kdump_pre pre.sh|line 2: kdump_pre needs an absolute path, not 'pre.sh'",
            "extra_modules|line 2: extra_modules needs at least one module name",
            "extra_modules ../evil|line 2: '../evil' is not a kernel module name",
    })
    void refusesBadLineWithItsNumberAndReason(String line, String message) {
        assertThatThrownBy(() -> CaptureConfig.parse("extra_modules e1000e\n" + line + "\n", "/etc/jkdump.conf"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("/etc/jkdump.conf: " + message);
    }

    @Test
    void repeatedDirectiveNamesTheFirstLine() {
        assertThatThrownBy(() -> CaptureConfig.parse("final_action reboot\n\nfinal_action halt\n", "c"))
                .hasMessage("c: line 3: 'final_action' repeats line 1; give it once");
    }

    @Test
    void secondFileSystemLineIsARepeat() {
        assertThatThrownBy(() -> CaptureConfig.parse("ext4 /dev/vdb\nxfs /dev/vdc\n", "c"))
                .hasMessage("c: line 2: 'xfs' repeats line 1; give it once");
    }

    @Test
    void missingExplicitFileIsAnError() {
        assertThatThrownBy(() -> CaptureConfig.read(Path.of("/nonexistent/jkdump.conf")))
                .hasMessage("/nonexistent/jkdump.conf: no such configuration file");
        assertThat(List.of(Action.values())).extracting(Action::command).contains("poweroff -f", "exec sh");
    }
}
