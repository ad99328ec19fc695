package org.jkdump.capture;

import java.nio.file.Path;

/** Runs one ssh capture in a JVM of its own (the capture runtime): ELF USER PORT KEY KNOWN_HOSTS REMOTE_DIR. */
public final class SshCaptureProbe {
    public static void main(String[] a) {
        var t = new SshTarget(a[1], "127.0.0.1", Integer.parseInt(a[2]), Path.of(a[3]), Path.of(a[4]), Path.of(a[5]));
        var r = new Capture(CaptureConfig.defaults(), new JkdumpCollect(), new VmcoreDmesg(), System.out).run(Path.of(a[0]), t, Path.of("/unused"));
        System.out.println(r.statusLine());
        System.exit(r.ok() ? 0 : 1);
    }
}
