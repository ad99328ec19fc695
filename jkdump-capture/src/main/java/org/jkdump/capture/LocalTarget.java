package org.jkdump.capture;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A directory on a local file system. With a device ({@code ext4 /dev/vdb} in jkdump.conf,
 * as in kdump.conf) the capture kernel's /init mounts the device at {@link #MOUNT_POINT} and
 * the path is taken inside it; without one the path is on the capture kernel's root.
 *
 * @param fsType file system type to mount, e.g. "ext4" (empty with the device)
 * @param device device to mount, e.g. "/dev/vdb", "LABEL=dumps" or "UUID=..."
 */
public record LocalTarget(Optional<String> fsType, Optional<String> device, Path path) implements Target {
    public static final String MOUNT_POINT = "/kdumproot";

    /** The directory as the capture kernel sees it once the device is mounted. */
    public Path directoryInCaptureKernel() {
        Path rel = Path.of("/").relativize(path.isAbsolute() ? path : Path.of("/").resolve(path));
        return device.isPresent() ? Path.of(MOUNT_POINT).resolve(rel) : Path.of("/").resolve(rel);
    }

    @Override
    public String describe() {
        return device.map(d -> fsType.orElse("") + " " + d + ":" + path).orElse("local " + path);
    }
}
