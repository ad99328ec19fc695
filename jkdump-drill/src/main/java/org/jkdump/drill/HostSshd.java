package org.jkdump.drill;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jkdump.capture.SshTarget;
import org.jkdump.format.JkdumpException;

/**
 * The sshd a {@code --target ssh} drill saves the dump to: OpenSSH's own sshd, run as the
 * invoking user with everything of its own in {@code RUN/ssh} (config, host key, the client
 * key the guest gets, authorized_keys, its log), listening on 127.0.0.1 only, on a free port.
 * The system's ssh configuration is neither read nor changed. The guest reaches it through
 * QEMU's user network, where {@link #GUEST_HOST_ADDRESS} stands for the host's loopback, so
 * no port forwarding is needed.
 */
final class HostSshd implements AutoCloseable {
    static final Path SSHD = Path.of("/usr/sbin/sshd");
    /** The host as a guest on QEMU's user network (slirp) sees it: connections go to the host's 127.0.0.1. */
    static final String GUEST_HOST_ADDRESS = "10.0.2.2";
    private static final int PORT_ATTEMPTS = 3;

    private final Path dir;
    private final String user;
    private final int port;
    private final Process process;

    private HostSshd(Path dir, String user, int port, Process process) {
        this.dir = dir;
        this.user = user;
        this.port = port;
        this.process = process;
    }

    /** Makes the keys and the config in {@code dir} and starts sshd; returns once it accepts connections. */
    static HostSshd start(Path dir) {
        if (!Files.isExecutable(SSHD)) throw new DrillException("prepare", SSHD + " is missing: install openssh-server", List.of());
        String user = System.getProperty("user.name");
        try {
            DebianKernel.deleteTree(dir);
            Files.createDirectories(dir);
            Path hostKey = dir.resolve("host_key"), clientKey = dir.resolve("client_key");
            // ECDSA: what the capture runtime's MINA SSHD client reads without extra providers
            HostProcess.check("prepare", List.of("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-C", "jkdump-drill-host", "-f", hostKey.toString()), null);
            HostProcess.check("prepare", List.of("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-C", "jkdump-drill-capture", "-f", clientKey.toString()), null);
            Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
            // sshd's privilege-separation directory, made by the ssh service when it runs; it may not
            if (!Files.isDirectory(Path.of("/run/sshd"))) Files.createDirectories(Path.of("/run/sshd"));
            var failures = new ArrayList<String>();
            for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
                int port = freePort();
                var sshd = launch(dir, user, port);
                if (sshd.awaitListening()) return sshd.writeKnownHosts();
                sshd.close();
                failures.add("port " + port + ": " + String.join(" | ", sshd.logTail(5)));
            }
            throw new DrillException("prepare", "the drill's sshd did not start (log " + dir.resolve("sshd.log") + ")", failures);
        } catch (IOException e) {
            throw new JkdumpException(dir + ": cannot set up the drill's sshd: " + e.getMessage(), e);
        }
    }

    /** A port the kernel has just handed out as free (it can be taken again before sshd binds it: start retries). */
    private static int freePort() throws IOException {
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static HostSshd launch(Path dir, String user, int port) throws IOException {
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "# the jkdump drill's private sshd: only the capture kernel's key, only " + user + ", only 127.0.0.1",
                "Port " + port, "ListenAddress 127.0.0.1", "HostKey " + dir.resolve("host_key"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"), "AllowUsers " + user,
                "PubkeyAuthentication yes", "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no",
                // the run directory's modes are the cache's, not a home directory's
                "StrictModes no", "PermitRootLogin prohibit-password", "PidFile none", "LogLevel INFO", ""));
        var process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        return new HostSshd(dir, user, port, process);
    }

    /** Waits for sshd's own "Server listening" log line (a probing connection would only add noise to its log). */
    private boolean awaitListening() {
        String listening = "Server listening on 127.0.0.1 port " + port + ".";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (process.isAlive() && System.nanoTime() < deadline) {
            try {
                if (Files.readString(log()).contains(listening)) return true;
                Thread.sleep(50);
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** The server's key as the guest must see it: for [10.0.2.2]:PORT, the name it connects to. */
    private HostSshd writeKnownHosts() throws IOException {
        String[] pub = Files.readString(dir.resolve("host_key.pub")).strip().split("\\s+");
        Files.writeString(knownHosts(), "[" + GUEST_HOST_ADDRESS + "]:" + port + " " + pub[0] + " " + pub[1] + "\n");
        return this;
    }

    int port() {
        return port;
    }

    Path knownHosts() {
        return dir.resolve("known_hosts");
    }

    Path log() {
        return dir.resolve("sshd.log");
    }

    /** The target a guest saves to: this sshd at 10.0.2.2, into {@code path} on the host. */
    SshTarget target(Path path) {
        return new SshTarget(user, GUEST_HOST_ADDRESS, port, dir.resolve("client_key"), knownHosts(), path);
    }

    /** What the report says of it. */
    String describe() {
        return "the drill's sshd on 127.0.0.1:" + port + " (log " + log() + ")";
    }

    /** The log's "Accepted publickey" lines: the capture kernel's logins. */
    List<String> acceptedLogins() {
        try {
            return Files.readAllLines(log()).stream().filter(l -> l.contains("Accepted publickey")).map(String::strip).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private List<String> logTail(int n) {
        try {
            var lines = Files.readAllLines(log());
            return lines.subList(Math.max(0, lines.size() - n), lines.size());
        } catch (IOException e) {
            return List.of("(no log: " + e.getMessage() + ")");
        }
    }

    /** Stops sshd and any session it still serves. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
