package org.jkdump.kernel.helpers;

import java.util.ArrayList;
import java.util.Collections;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.KObject;
import org.jkdump.kernel.Kernel;

/**
 * A {@code struct path} (vfsmount + dentry) as the absolute path the kernel's d_path() gives:
 * dentry names up the {@code d_parent} chain to the mount's root, then across to the
 * mountpoint in the parent mount ({@code struct mount} holds the vfsmount as its {@code mnt}
 * member, with {@code mnt_parent} and {@code mnt_mountpoint}), until the root mount.
 */
public final class DentryPath {
    /** Deeper than any real path (PATH_MAX is 4096 bytes, so at most ~2048 components). */
    private static final int MAX_DEPTH = 4096;
    private static final int MAX_NAME = 256;

    private DentryPath() {
    }

    /** The path of {@code dentry} seen through mount {@code vfsmount} (a struct vfsmount *). */
    public static String of(Kernel k, long vfsmount, long dentry) {
        if (dentry == 0) return "";
        var types = k.types();
        long mntOff = types.offsetOf("struct mount", "mnt");
        long mount = vfsmount == 0 ? 0 : vfsmount - mntOff;
        var parts = new ArrayList<String>();
        long d = dentry;
        for (int n = 0; ; n++) {
            if (n > MAX_DEPTH) throw new JkdumpException(String.format("dentry 0x%x: more than %d path components (a d_parent loop?)", dentry, MAX_DEPTH));
            var de = Access.object(k, "struct dentry", d);
            if (mount != 0) {
                var m = Access.object(k, "struct mount", mount);
                long mntRoot = m.member("mnt.mnt_root").asUnsigned();
                if (d == mntRoot) {
                    long parent = m.member("mnt_parent").asUnsigned();
                    if (parent == mount || parent == 0) break;  // the root mount
                    d = m.member("mnt_mountpoint").asUnsigned();
                    mount = parent;
                    continue;
                }
            }
            long parent = de.member("d_parent").asUnsigned();
            if (parent == d || parent == 0) {
                // the filesystem's root without a mount above it: a pseudo filesystem (pipe:, socket:)
                if (parts.isEmpty()) parts.add(name(de));
                break;
            }
            parts.add(name(de));
            d = parent;
        }
        Collections.reverse(parts);
        return "/" + String.join("/", parts);
    }

    /** The path of a {@code struct path} object. */
    public static String of(Kernel k, KObject path) {
        return of(k, path.member("mnt").asUnsigned(), path.member("dentry").asUnsigned());
    }

    private static String name(KObject dentry) {
        var qstr = dentry.member("d_name");
        long len = qstr.member("len").asUnsigned();
        long ptr = qstr.member("name").asUnsigned();
        if (ptr == 0) return "";
        return dentry.memory().cString(ptr, (int) Math.min(len + 1, MAX_NAME));
    }
}
