package org.jkdump.capture;

import java.nio.file.Path;

/**
 * A directory on another machine, written over ssh ({@code ssh user@host} and {@code sshkey}
 * in jkdump.conf, as in kdump.conf). The far side needs only sshd and a POSIX shell: the dump
 * is streamed into {@code cat > DIR/vmcore-incomplete} and renamed with {@code mv} once
 * complete. The server's key must be in {@link #knownHosts}: a capture kernel has nobody to
 * ask whether an unknown key is fine.
 *
 * @param port       22 unless jkdump.conf says {@code ssh user@host:PORT}
 * @param key        the private key (kdump-utils' default /root/.ssh/kdump_id_rsa)
 * @param knownHosts OpenSSH known_hosts holding the server's key
 */
public record SshTarget(String user, String host, int port, Path key, Path knownHosts, Path path) implements Target {
    public static final Path DEFAULT_KEY = Path.of("/root/.ssh/kdump_id_rsa");
    public static final Path DEFAULT_KNOWN_HOSTS = Path.of("/root/.ssh/known_hosts");

    @Override
    public String describe() {
        return "ssh " + user + "@" + host + (port == 22 ? "" : ":" + port) + ":" + path;
    }
}
