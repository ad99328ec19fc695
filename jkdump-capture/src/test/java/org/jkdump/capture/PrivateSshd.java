package org.jkdump.capture;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH sshd for a test: its own host key, client key, authorized_keys and config
 * in a temporary directory, listening on a free port of 127.0.0.1 only. Nothing of the
 * system's ssh configuration is read or changed (sshd's privilege-separation directory
 * /run/sshd is made when absent, as the ssh service itself makes it).
 */
final class PrivateSshd implements AutoCloseable {
    static final Path SSHD = Path.of("/usr/sbin/sshd");

    final Path dir, clientKey, knownHosts;
    final int port;
    private final Process process;

    private PrivateSshd(Path dir, Path clientKey, Path knownHosts, int port, Process process) {
        this.dir = dir;
        this.clientKey = clientKey;
        this.knownHosts = knownHosts;
        this.port = port;
        this.process = process;
    }

    static PrivateSshd start(Path dir) throws IOException, InterruptedException {
        if (!Files.isExecutable(SSHD))
            throw new IllegalStateException(SSHD + " is missing: install openssh-server (the ssh target is tested against a real sshd)");
        Path hostKey = dir.resolve("host_key"), clientKey = dir.resolve("client_key");
        run("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", hostKey.toString());
        run("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", clientKey.toString());
        Path authorized = dir.resolve("authorized_keys");
        Files.copy(dir.resolve("client_key.pub"), authorized);
        int port;
        try (var s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String[] hostPub = Files.readString(dir.resolve("host_key.pub")).strip().split(" ");
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "[127.0.0.1]:" + port + " " + hostPub[0] + " " + hostPub[1] + "\n");
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "Port " + port, "ListenAddress 127.0.0.1", "HostKey " + hostKey, "AuthorizedKeysFile " + authorized,
                "StrictModes no", "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no",
                "PidFile none", "PermitRootLogin prohibit-password", "AllowUsers " + System.getProperty("user.name"), ""));
        Files.createDirectories(Path.of("/run/sshd"));
        var p = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        var sshd = new PrivateSshd(dir, clientKey, knownHosts, port, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (var s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return sshd;
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    sshd.close();
                    throw new IllegalStateException("sshd did not start: " + Files.readString(dir.resolve("sshd.log")));
                }
                Thread.sleep(100);
            }
        }
    }

    /** The target this sshd serves, saving under {@code path}. */
    SshTarget target(Path path) {
        return new SshTarget(System.getProperty("user.name"), "127.0.0.1", port, clientKey, knownHosts, path);
    }

    /** Kills sshd and every connection it serves: the network dropping, as the client sees it. */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    @Override
    public void close() {
        kill();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        var p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }
}
