package org.jkdump.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jkdump.format.JkdumpException;

/**
 * /etc/jkdump.conf, parsed: one directive per line as in kdump-utils' kdump.conf, '#'
 * starts a comment. Any line jkdump cannot use is refused with its number and the reason,
 * because a mistake found at crash time loses the dump.
 *
 * <pre>
 * path /var/crash                    directory for dumps (default /var/crash)
 * ext4 /dev/vdb                      mount this device (ext2|ext3|ext4|xfs|btrfs) and put path inside it
 * ssh user@host[:port]               or save to path on that host over ssh (streamed, then renamed)
 * sshkey /root/.ssh/kdump_id_rsa     the private key for ssh (this is the default)
 * sshknownhosts /root/.ssh/known_hosts   the ssh server's key, OpenSSH known_hosts (this is the default)
 * core_collector jkdump collect -l -d 31   the collector and its flags (default -l -d 31)
 * failure_action reboot|halt|poweroff|shell   after a failed capture (default reboot)
 * final_action reboot|halt|poweroff          after a successful one (default reboot)
 * kdump_pre /path/script             run before the capture; non-zero exit fails it
 * kdump_post /path/script            run after it, with the capture's exit status as argument
 * extra_modules mod1 mod2            more kernel modules for the capture initramfs
 * </pre>
 *
 * @param collectorFlags the {@code jkdump collect} flags, e.g. [-l, -d, 31]
 */
public record CaptureConfig(String source, Target target, List<String> collectorFlags, Action failureAction,
                            Action finalAction, Optional<String> kdumpPre, Optional<String> kdumpPost,
                            List<String> extraModules) {
    public static final Path DEFAULT_FILE = Path.of("/etc/jkdump.conf");
    public static final List<String> DEFAULT_COLLECTOR_FLAGS = List.of("-l", "-d", "31");
    private static final Set<String> FS_TYPES = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs");
    private static final Set<String> FLAGS = Set.of("-l", "-c", "-p", "-z", "-E", "-F");
    private static final Set<String> FLAGS_WITH_NUMBER = Set.of("-d", "--message-level", "--num-threads");

    public CaptureConfig {
        collectorFlags = List.copyOf(collectorFlags);
        extraModules = List.copyOf(extraModules);
    }

    /** The configuration with every default: /var/crash on the root file system, -l -d 31, reboot. */
    public static CaptureConfig defaults() {
        return parse("", "(defaults)");
    }

    /** Reads a file; a missing file means the defaults only when it is the default path. */
    public static CaptureConfig read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (NoSuchFileException e) {
            if (file.equals(DEFAULT_FILE)) return defaults();
            throw new JkdumpException(file + ": no such configuration file");
        } catch (IOException e) {
            throw new JkdumpException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    public static CaptureConfig parse(String text, String source) {
        Path path = Path.of("/var/crash");
        Optional<String> fsType = Optional.empty(), device = Optional.empty(), pre = Optional.empty(), post = Optional.empty();
        Optional<String> ssh = Optional.empty();
        Path sshKey = SshTarget.DEFAULT_KEY, sshKnownHosts = SshTarget.DEFAULT_KNOWN_HOSTS;
        int sshLine = 0;
        List<String> flags = DEFAULT_COLLECTOR_FLAGS;
        Action failure = Action.REBOOT, fin = Action.REBOOT;
        var modules = new ArrayList<String>();
        var seen = new HashMap<String, Integer>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int no = i + 1;
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) line = line.substring(0, hash);
            line = line.strip();
            if (line.isEmpty()) continue;
            String[] words = line.split("\\s+");
            String key = words[0];
            var args = Arrays.asList(words).subList(1, words.length);
            String seenKey = FS_TYPES.contains(key) ? "<fs>" : key;
            if (!key.equals("extra_modules") && seen.containsKey(seenKey))
                throw new ConfigException(source, no, "'" + key + "' repeats line " + seen.get(seenKey) + "; give it once");
            seen.put(seenKey, no);
            switch (key) {
                case "path" -> {
                    one(source, no, key, args, "a directory");
                    if (!args.getFirst().startsWith("/"))
                        throw new ConfigException(source, no, "path must be absolute, not '" + args.getFirst() + "'");
                    path = Path.of(args.getFirst());
                }
                case "ext2", "ext3", "ext4", "xfs", "btrfs" -> {
                    one(source, no, key, args, "a device (/dev/..., LABEL=... or UUID=...)");
                    String d = args.getFirst();
                    if (!d.startsWith("/dev/") && !d.startsWith("LABEL=") && !d.startsWith("UUID="))
                        throw new ConfigException(source, no, "'" + d + "' is not a device: use /dev/..., LABEL=... or UUID=...");
                    fsType = Optional.of(key);
                    device = Optional.of(d);
                }
                case "ssh" -> {
                    one(source, no, key, args, "user@host or user@host:port");
                    if (!args.getFirst().matches("[A-Za-z0-9._-]+@[A-Za-z0-9.-]+(:\\d{1,5})?"))
                        throw new ConfigException(source, no, "ssh needs user@host or user@host:port, not '" + args.getFirst() + "'");
                    ssh = Optional.of(args.getFirst());
                    sshLine = no;
                }
                case "sshkey" -> sshKey = Path.of(absolute(source, no, key, args, "a private key file"));
                case "sshknownhosts" -> sshKnownHosts = Path.of(absolute(source, no, key, args, "an OpenSSH known_hosts file"));
                case "nfs", "raw" -> throw new ConfigException(source, no,
                        "the '" + key + "' target is not supported yet; use 'path DIR' (with an 'ext4 DEVICE' line for a separate disk) or 'ssh user@host'");
                case "core_collector" -> flags = collector(source, no, args);
                case "failure_action", "default" -> // "default" is kdump.conf's older name
                    failure = action(source, no, key, args, true);
                case "final_action" -> fin = action(source, no, key, args, false);
                case "kdump_pre" -> pre = Optional.of(absolute(source, no, key, args, "a script path"));
                case "kdump_post" -> post = Optional.of(absolute(source, no, key, args, "a script path"));
                case "extra_modules" -> {
                    if (args.isEmpty()) throw new ConfigException(source, no, "extra_modules needs at least one module name");
                    for (String m : args) {
                        if (!m.matches("[A-Za-z0-9_-]+"))
                            throw new ConfigException(source, no, "'" + m + "' is not a kernel module name");
                        modules.add(m.replace('-', '_'));
                    }
                }
                default -> throw new ConfigException(source, no, "unknown directive '" + key + "'");
            }
        }
        Target target;
        if (ssh.isPresent()) {
            if (device.isPresent())
                throw new ConfigException(source, sshLine, "give either 'ssh' or a device line ('" + fsType.orElseThrow() + " " + device.get() + "'), not both");
            String[] userHost = ssh.get().split("@", 2);
            String[] hostPort = userHost[1].split(":", 2);
            int port = hostPort.length == 2 ? Integer.parseInt(hostPort[1]) : 22;
            if (port < 1 || port > 65535) throw new ConfigException(source, sshLine, "port " + port + " is not 1..65535");
            target = new SshTarget(userHost[0], hostPort[0], port, sshKey, sshKnownHosts, path);
        } else {
            for (String k : List.of("sshkey", "sshknownhosts"))
                if (seen.containsKey(k)) throw new ConfigException(source, seen.get(k), k + " without an 'ssh user@host' line");
            target = new LocalTarget(fsType, device, path);
        }
        return new CaptureConfig(source, target, flags, failure, fin, pre, post, modules);
    }

    private static void one(String source, int no, String key, List<String> args, String what) {
        if (args.size() != 1)
            throw new ConfigException(source, no, key + " takes exactly one argument (" + what + "), found " + args.size());
    }

    private static String absolute(String source, int no, String key, List<String> args, String what) {
        one(source, no, key, args, what);
        if (!args.getFirst().startsWith("/"))
            throw new ConfigException(source, no, key + " needs an absolute path, not '" + args.getFirst() + "'");
        return args.getFirst();
    }

    private static Action action(String source, int no, String key, List<String> args, boolean shellAllowed) {
        String allowed = shellAllowed ? "reboot, halt, poweroff or shell" : "reboot, halt or poweroff";
        one(source, no, key, args, allowed);
        try {
            var a = Action.valueOf(args.getFirst().toUpperCase(Locale.ROOT));
            if (a == Action.SHELL && !shellAllowed) throw new IllegalArgumentException();
            return a;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source, no, key + " must be " + allowed + ", not '" + args.getFirst() + "'");
        }
    }

    /** "jkdump collect FLAGS", "makedumpfile FLAGS" (kdump.conf's spelling) or the flags alone. */
    private static List<String> collector(String source, int no, List<String> args) {
        var rest = args;
        if (rest.size() >= 2 && rest.get(0).equals("jkdump") && rest.get(1).equals("collect")) rest = rest.subList(2, rest.size());
        else if (!rest.isEmpty() && rest.get(0).equals("makedumpfile")) rest = rest.subList(1, rest.size());
        else if (!rest.isEmpty() && !rest.get(0).startsWith("-"))
            throw new ConfigException(source, no, "core_collector must be 'jkdump collect FLAGS' (or makedumpfile's flags), not '" + rest.get(0) + "'");
        var out = new ArrayList<String>();
        for (int i = 0; i < rest.size(); i++) {
            String f = rest.get(i);
            if (FLAGS.contains(f)) out.add(f);
            else if (FLAGS_WITH_NUMBER.contains(f)) {
                if (i + 1 >= rest.size()) throw new ConfigException(source, no, f + " needs a number");
                String n = rest.get(++i);
                int v;
                try {
                    v = Integer.parseInt(n);
                } catch (NumberFormatException e) {
                    throw new ConfigException(source, no, f + " needs a number, not '" + n + "'");
                }
                if (f.equals("-d") && (v < 0 || v > 31)) throw new ConfigException(source, no, "dump level " + v + " is not 0..31");
                if (v < 0) throw new ConfigException(source, no, f + " must not be negative");
                out.add(f);
                out.add(n);
            } else throw new ConfigException(source, no, "unknown collector flag '" + f + "' (known: -l -c -p -z -E -F -d N --message-level N --num-threads N)");
        }
        return out;
    }

    /** The configuration as jkdump.conf text, as it goes into the capture initramfs. */
    public String render() {
        var sb = new StringBuilder("# jkdump.conf (written by jkdump from ").append(source).append(")\n");
        sb.append("path ").append(target.path()).append('\n');
        switch (target) {
            case LocalTarget t -> t.device().ifPresent(d -> sb.append(t.fsType().orElseThrow()).append(' ').append(d).append('\n'));
            case SshTarget t -> {
                sb.append("ssh ").append(t.user()).append('@').append(t.host()).append(t.port() == 22 ? "" : ":" + t.port()).append('\n');
                sb.append("sshkey ").append(t.key()).append('\n');
                if (!t.knownHosts().equals(SshTarget.DEFAULT_KNOWN_HOSTS)) sb.append("sshknownhosts ").append(t.knownHosts()).append('\n');
            }
        }
        sb.append("core_collector jkdump collect ").append(String.join(" ", collectorFlags)).append('\n');
        sb.append("failure_action ").append(failureAction.word()).append('\n');
        sb.append("final_action ").append(finalAction.word()).append('\n');
        kdumpPre.ifPresent(p -> sb.append("kdump_pre ").append(p).append('\n'));
        kdumpPost.ifPresent(p -> sb.append("kdump_post ").append(p).append('\n'));
        if (!extraModules.isEmpty()) sb.append("extra_modules ").append(String.join(" ", extraModules)).append('\n');
        return sb.toString();
    }

}
