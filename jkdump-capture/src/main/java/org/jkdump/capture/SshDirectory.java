package org.jkdump.capture;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.jkdump.format.JkdumpException;

/**
 * A dump directory on an ssh server, written with Apache MINA SSHD's client. The far side
 * needs nothing but sshd and a POSIX shell: {@code mkdir -p}, {@code cat > FILE} fed by the
 * channel, {@code mv}. The server's key is checked against the target's known_hosts (an
 * unknown or changed key is refused); authentication is by the target's key alone.
 */
public final class SshDirectory implements DumpDirectory {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

    private final SshTarget target;
    private final Path path;
    private final SshClient client;
    private final ClientSession session;

    private SshDirectory(SshTarget target, Path path, SshClient client, ClientSession session) {
        this.target = target;
        this.path = path;
        this.client = client;
        this.session = session;
    }

    /** Connects to {@code target} and authenticates; the directory {@code name} under its path is not made yet. */
    public static SshDirectory connect(SshTarget target, String name) throws IOException {
        String where = target.user() + "@" + target.host() + ":" + target.port();
        for (Path f : new Path[]{target.key(), target.knownHosts()})
            if (!Files.isReadable(f)) throw new JkdumpException(where + ": " + f + " is missing or unreadable (the ssh target needs the key and the server's known_hosts line)");
        var client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(new KnownHostsServerKeyVerifier(RejectAllServerKeyVerifier.INSTANCE, target.knownHosts()));
        client.setKeyIdentityProvider(new FileKeyPairProvider(target.key()));
        client.start();
        try {
            ClientSession session = client.connect(target.user(), target.host(), target.port()).verify(CONNECT_TIMEOUT).getSession();
            session.auth().verify(CONNECT_TIMEOUT);
            return new SshDirectory(target, target.path().resolve(name), client, session);
        } catch (IOException | RuntimeException e) {
            client.stop();
            throw new JkdumpException(where + ": cannot connect and log in: " + e.getMessage(), e);
        }
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public String location() {
        return target.user() + "@" + target.host() + ":" + path;
    }

    @Override
    public void create() throws IOException {
        run("mkdir -p " + quote(path.toString()));
    }

    @Override
    public Optional<Path> localPath() {
        return Optional.empty();
    }

    @Override
    public OutputStream create(String name) throws IOException {
        String command = "cat > " + quote(path.resolve(name).toString());
        ChannelExec channel = session.createExecChannel(command);
        var err = new ByteArrayOutputStream();
        channel.setErr(err);
        channel.open().verify(CONNECT_TIMEOUT);
        return new FilterOutputStream(channel.getInvertedIn()) {
            private boolean closed;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                if (closed) return;
                closed = true;
                try {
                    out.flush();
                    out.close(); // EOF: cat ends and reports its status
                    finish(channel, command, err);
                } finally {
                    channel.close(true);
                }
            }
        };
    }

    @Override
    public void rename(String from, String to) throws IOException {
        run("mv -f " + quote(path.resolve(from).toString()) + " " + quote(path.resolve(to).toString()));
    }

    private void run(String command) throws IOException {
        try (ChannelExec channel = session.createExecChannel(command)) {
            var err = new ByteArrayOutputStream();
            channel.setErr(err);
            channel.setOut(OutputStream.nullOutputStream());
            channel.open().verify(CONNECT_TIMEOUT);
            finish(channel, command, err);
        }
    }

    private void finish(ChannelExec channel, String command, ByteArrayOutputStream err) throws IOException {
        var events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED, ClientChannelEvent.EXIT_STATUS), COMMAND_TIMEOUT);
        Integer status = channel.getExitStatus();
        if (status == null || status != 0)
            throw new IOException(location() + ": '" + command + "' " + (status == null ? "did not finish (" + events + ")" : "exited with status " + status)
                    + stderr(err));
    }

    private static String stderr(ByteArrayOutputStream err) {
        String s = err.toString(StandardCharsets.UTF_8).strip();
        return s.isEmpty() ? "" : ": " + s;
    }

    /** One shell word: single quotes, with each ' written as '\''. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    @Override
    public void close() throws IOException {
        try {
            session.close();
        } finally {
            client.stop();
        }
    }
}
