package org.jkdump.kernel.helpers;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.Kernel;

/**
 * A task's root, working directory and open files: {@code task->fs} (root, pwd) and
 * {@code task->files->fdt}, whose {@code fd[max_fds]} array holds a {@code struct file *}
 * per descriptor. The type comes from the inode's mode (S_IFMT), the path from
 * {@link DentryPath}.
 */
public final class TaskFiles {
    /** The kernel's NR_OPEN ceiling (1 << 20) for sysctl fs.nr_open. */
    private static final long MAX_FDS = 1 << 20;
    // S_IFMT and its file types (include/uapi/linux/stat.h)
    private static final int S_IFMT = 0170000, S_IFSOCK = 0140000, S_IFLNK = 0120000, S_IFREG = 0100000,
            S_IFBLK = 0060000, S_IFDIR = 0040000, S_IFCHR = 0020000, S_IFIFO = 0010000;

    private TaskFiles() {
    }

    /** One open descriptor. */
    public record OpenFile(int fd, long file, long dentry, long inode, String type, String path) {
    }

    /**
     * @param root the task's root directory; @param cwd its working directory
     * @param cut  what could not be read when the dump lacks a page behind a descriptor: the
     *             list then holds the descriptors before it (crash prints those, then fails)
     */
    public record Files(String root, String cwd, List<OpenFile> open, Optional<String> cut) {
    }

    public static Files of(Kernel k, long task) {
        var t = Access.object(k, "struct task_struct", task);
        String root = "", cwd = "";
        if (t.member("fs").asUnsigned() != 0) {
            root = DentryPath.of(k, t.member("fs.root"));
            cwd = DentryPath.of(k, t.member("fs.pwd"));
        }
        var open = new ArrayList<OpenFile>();
        if (t.member("files").asUnsigned() == 0) return new Files(root, cwd, open, Optional.empty());
        var fdt = t.member("files.fdt");
        long max = fdt.member("max_fds").asUnsigned();
        if (max > MAX_FDS) throw new JkdumpException(String.format("task 0x%x: fdtable claims %d descriptors", task, max));
        long fds = fdt.member("fd").asUnsigned();
        for (int i = 0; i < max; i++) {
            try {
                long file = k.memory().u64(fds + 8L * i);
                if (file == 0) continue;
                var f = Access.object(k, "struct file", file);
                long dentry = f.member("f_path.dentry").asUnsigned();
                long inode = dentry == 0 ? 0 : Access.object(k, "struct dentry", dentry).member("d_inode").asUnsigned();
                String type = inode == 0 ? "" : type((int) Access.object(k, "struct inode", inode).member("i_mode").asUnsigned());
                open.add(new OpenFile(i, file, dentry, inode, type, DentryPath.of(k, f.member("f_path"))));
            } catch (JkdumpException e) {
                if (!Vmas.missing(e)) throw e;
                return new Files(root, cwd, open, Optional.of(e.getMessage()));
            }
        }
        return new Files(root, cwd, open, Optional.empty());
    }

    /** crash's name for an inode's file type. */
    public static String type(int mode) {
        return switch (mode & S_IFMT) {
            case S_IFREG -> "REG";
            case S_IFDIR -> "DIR";
            case S_IFCHR -> "CHR";
            case S_IFBLK -> "BLK";
            case S_IFIFO -> "FIFO";
            case S_IFSOCK -> "SOCK";
            case S_IFLNK -> "LNK";
            default -> "UNKN";
        };
    }
}
