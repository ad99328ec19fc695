package org.jkdump.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jkdump.capture.Capture;
import org.jkdump.capture.CaptureConfig;
import org.jkdump.capture.JkdumpCollect;
import org.jkdump.capture.SshTarget;
import org.jkdump.capture.VmcoreDmesg;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.DumpFormat;
import org.jkdump.format.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The drill's host-side sshd, reached by the capture's own ssh client as the guest reaches it (but from 127.0.0.1). */
class HostSshdTest {
    @Test
    void takesACaptureWithTheGuestsKeyAndStopsWhenClosed(@TempDir Path tmp) throws Exception {
        Path dumps = tmp.resolve("crash");
        SshTarget target;
        int port;
        var console = new ByteArrayOutputStream();
        try (var sshd = HostSshd.start(tmp.resolve("ssh"))) {
            port = sshd.port();
            target = sshd.target(dumps);
            assertThat(target.host()).isEqualTo("10.0.2.2");
            assertThat(target.port()).isEqualTo(port).isGreaterThan(1024);
            // the guest checks the server's key under the name it connects to
            String known = Files.readString(target.knownHosts());
            String hostKey = Files.readString(tmp.resolve("ssh/host_key.pub")).split(" ")[1];
            assertThat(known).isEqualTo("[10.0.2.2]:" + port + " ecdsa-sha2-nistp256 " + hostKey + "\n");
            // the jkdump.conf the guest gets names this sshd, the key and known_hosts, and the dump directory
            var conf = CaptureConfig.parse(GuestImages.sshCaptureConf(target), "drill");
            assertThat(conf.target()).isEqualTo(target);
            // the same sshd from the host's side: 10.0.2.2 is the guest's name for 127.0.0.1
            Path localKnown = Files.writeString(tmp.resolve("known_hosts.local"), known.replace("[10.0.2.2]", "[127.0.0.1]"));
            var local = new SshTarget(target.user(), "127.0.0.1", port, target.key(), localKnown, dumps);
            var r = new Capture(conf, new JkdumpCollect(), new VmcoreDmesg(), new PrintStream(console, true)).run(Fixtures.sysrqElf(), local, Path.of("/unused"));
            assertThat(r.ok()).as("capture %s; console:%n%s", r, console).isTrue();
            Path flat = r.directory().resolve("vmcore.flat");
            assertThat(flat.getParent().getParent()).isEqualTo(dumps);
            try (var dump = DumpFiles.open(flat)) {
                assertThat(dump.describe().format()).isEqualTo(DumpFormat.FLATTENED);
                assertThat(dump.memory().presentFrames().count()).isPositive();
            }
            assertThat(sshd.acceptedLogins()).isNotEmpty().allMatch(l -> l.contains("Accepted publickey for " + target.user() + " from 127.0.0.1"));
        }
        try (var s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            throw new AssertionError("sshd still listens on " + port + " after close");
        } catch (java.net.ConnectException expected) {
            // closed
        }
    }
}
