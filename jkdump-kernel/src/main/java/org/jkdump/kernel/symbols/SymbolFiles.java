package org.jkdump.kernel.symbols;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where crash looks for a kernel's symbol files when none is given, for release
 * {@code OSRELEASE}: the debug vmlinux of a -dbg/-debuginfo package first (it has every
 * symbol, with sizes), then an installed vmlinux, then {@code /boot/System.map-<release>}.
 * Debian's placeholder System.map is passed over.
 */
public final class SymbolFiles {
    private SymbolFiles() {
    }

    /** The places searched for {@code release}, relative to {@code root} ("/" on a real system), in order. */
    public static List<Path> candidates(Path root, String release) {
        return List.of(
                root.resolve("usr/lib/debug/boot/vmlinux-" + release),
                root.resolve("usr/lib/debug/lib/modules/" + release + "/vmlinux"),
                root.resolve("boot/vmlinux-" + release),
                root.resolve("lib/modules/" + release + "/build/vmlinux"),
                root.resolve("boot/System.map-" + release),
                root.resolve("lib/modules/" + release + "/build/System.map"));
    }

    /** The candidates that exist and are not Debian's placeholder System.map, in search order. */
    public static List<Path> discover(Path root, String release) {
        var out = new ArrayList<Path>();
        for (var p : candidates(root, release))
            if (Files.isRegularFile(p) && Files.isReadable(p) && !isDebianStub(p)) out.add(p);
        return out;
    }

    /** Whether {@code file} is Debian's one-line placeholder System.map. */
    public static boolean isDebianStub(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            var head = new String(in.readNBytes(512), StandardCharsets.ISO_8859_1);
            return head.contains(SystemMap.DEBIAN_STUB);
        } catch (IOException e) {
            return false;  // unreadable: reading it for real reports why
        }
    }
}
