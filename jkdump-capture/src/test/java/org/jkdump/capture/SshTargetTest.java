package org.jkdump.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jkdump.format.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ssh target against a real OpenSSH sshd on 127.0.0.1 (see {@link PrivateSshd}). */
class SshTargetTest {
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(console, true);

    @Test
    void streamsTheDumpAndTheLogToTheServerAndRenamesThemWhenComplete(@TempDir Path tmp) throws Exception {
        try (var sshd = PrivateSshd.start(Files.createDirectories(tmp.resolve("sshd")))) {
            Path remote = tmp.resolve("remote dumps"); // a space: the far side's shell must get one word
            Path elf = Fixtures.sysrqElf();
            var r = new Capture(CaptureConfig.defaults(), new RawVmcoreCopy(), new VmcoreDmesg(), out).run(elf, sshd.target(remote), Path.of("/unused"));
            assertThat(r.ok()).as("capture result %s; console:%n%s", r, console).isTrue();
            assertThat(r.location()).startsWith(System.getProperty("user.name") + "@127.0.0.1:" + remote + "/");
            assertThat(r.directory().getParent()).isEqualTo(remote);
            assertThat(r.directory().resolve("vmcore")).hasSameBinaryContentAs(elf);
            assertThat(r.directory().resolve("vmcore-dmesg.txt")).content(StandardCharsets.US_ASCII)
                    .isEqualTo(Fixtures.text("kdump-sysrq", "dmesg.vmcore-dmesg.txt"));
            try (var files = Files.list(r.directory())) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("vmcore", "vmcore-dmesg.txt");
            }
            assertThat(r.statusLine()).contains("status=ok", " bytes=" + Files.size(elf), "dmesg=ok_");
        }
    }

    @Test
    void jkdumpCollectStreamsAFlattenedDumpThatRebuildsToTheLocalOne(@TempDir Path tmp) throws Exception {
        try (var sshd = PrivateSshd.start(Files.createDirectories(tmp.resolve("sshd")))) {
            Path elf = Fixtures.sysrqElf();
            var capture = new Capture(CaptureConfig.defaults(), new JkdumpCollect(), new VmcoreDmesg(), out);
            var remote = capture.run(elf, sshd.target(tmp.resolve("remote")), Path.of("/unused"));
            assertThat(remote.ok()).as("console:%n%s", console).isTrue();
            Path flat = remote.directory().resolve("vmcore.flat");
            assertThat(flat).exists();
            assertThat(remote.directory().resolve("vmcore-incomplete")).doesNotExist();
            // makedumpfile -R's job, done by jkdump: the stream rebuilds to the file a local capture writes
            Path rebuilt = tmp.resolve("rebuilt");
            try (var in = Files.newInputStream(flat)) {
                org.jkdump.collect.Rebuild.fromFlattened(in, rebuilt);
            }
            var local = capture.run(elf, tmp.resolve("local"));
            assertThat(rebuilt).hasSameBinaryContentAs(local.directory().resolve("vmcore"));
        }
    }

    @Test
    void capturesOverSshOnTheCaptureKernelsRuntimeWithItsJvmFlags(@TempDir Path tmp) throws Exception {
        // the jlink'd runtime the initramfs carries, not the JDK running the tests: a module it lacks breaks the client
        Path runtime = RuntimeImage.ensure(RuntimeImage.cacheDir(), new java.io.PrintWriter(System.err, true));
        try (var sshd = PrivateSshd.start(Files.createDirectories(tmp.resolve("sshd")))) {
            var t = sshd.target(tmp.resolve("remote"));
            var cmd = new java.util.ArrayList<>(List.of(runtime.resolve("bin/java").toString()));
            cmd.addAll(InitramfsBuilder.CAPTURE_JVM_FLAGS);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SshCaptureProbe.class.getName(), Fixtures.sysrqElf().toString(),
                    t.user(), String.valueOf(t.port()), t.key().toString(), t.knownHosts().toString(), t.path().toString()));
            var p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(output).isZero();
            assertThat(output).contains("status=ok", "dump=vmcore.flat", "collector=jkdump-collect");
            try (var dirs = Files.list(t.path())) {
                assertThat(dirs.findFirst().orElseThrow().resolve("vmcore.flat")).isNotEmptyFile();
            }
        }
    }

    @Test
    void droppedConnectionFailsTheCaptureAndLeavesOnlyAnIncompleteFile(@TempDir Path tmp) throws Exception {
        try (var sshd = PrivateSshd.start(Files.createDirectories(tmp.resolve("sshd")))) {
            // the network goes away 16 MiB into the dump
            DumpCollector dropping = new DumpCollector() {
                final RawVmcoreCopy raw = new RawVmcoreCopy();

                @Override
                public long collect(Path vmcore, Path output, List<String> flags, PrintStream c) {
                    throw new AssertionError("an ssh target is streamed");
                }

                @Override
                public long stream(Path vmcore, OutputStream o, List<String> flags, PrintStream c) throws IOException {
                    return raw.stream(vmcore, new FilterOutputStream(o) {
                        long written;

                        @Override
                        public void write(byte[] b, int off, int len) throws IOException {
                            if (written < (16 << 20) && written + len >= (16 << 20)) sshd.kill();
                            written += len;
                            out.write(b, off, len);
                        }
                    }, flags, c);
                }

                @Override
                public String streamedName() {
                    return "vmcore";
                }

                @Override
                public String name() {
                    return "raw-elf";
                }
            };
            Path post = tmp.resolve("post.sh"), postArg = tmp.resolve("post-arg");
            Files.writeString(post, "echo \"$1\" > '" + postArg + "'\n");
            var conf = CaptureConfig.parse("kdump_post " + post + "\n", "t");
            Path remote = tmp.resolve("remote");
            var r = new Capture(conf, dropping, new VmcoreDmesg(), out).run(Fixtures.sysrqElf(), sshd.target(remote), Path.of("/unused"));
            assertThat(r.ok()).as("console:%n%s", console).isFalse();
            assertThat(r.statusLine()).startsWith("JKDUMP-CAPTURE: status=failed").contains("error=");
            // kdump_post is told the capture failed; jkdump capture exits non-zero, so /init runs failure_action
            assertThat(postArg).content().isEqualToIgnoringNewLines("1");
            assertThat(r.directory().resolve("vmcore")).doesNotExist();
            assertThat(r.directory().resolve("vmcore-incomplete")).exists();
            assertThat(Files.size(r.directory().resolve("vmcore-incomplete"))).isLessThan(Files.size(Fixtures.sysrqElf()));
            assertThat(r.directory().resolve("vmcore-dmesg.txt")).exists(); // written before the drop
        }
    }

    @Test
    void refusesAServerWhoseKeyIsNotInKnownHosts(@TempDir Path tmp) throws Exception {
        try (var sshd = PrivateSshd.start(Files.createDirectories(tmp.resolve("sshd")))) {
            var t = sshd.target(tmp.resolve("remote"));
            Path other = tmp.resolve("other_known_hosts");
            Files.writeString(other, "[127.0.0.1]:" + sshd.port + " " + Files.readString(sshd.dir.resolve("client_key.pub")).strip() + "\n");
            var wrong = new SshTarget(t.user(), t.host(), t.port(), t.key(), other, t.path());
            var r = new Capture(CaptureConfig.defaults(), new RawVmcoreCopy(), new VmcoreDmesg(), out).run(Fixtures.sysrqElf(), wrong, Path.of("/unused"));
            assertThat(r.ok()).isFalse();
            assertThat(r.error()).startsWith(t.user() + "@127.0.0.1:" + sshd.port + ": cannot connect and log in");
            assertThat(tmp.resolve("remote")).doesNotExist();
        }
    }
}
