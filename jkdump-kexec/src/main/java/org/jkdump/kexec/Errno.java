package org.jkdump.kexec;

import java.util.Map;

/** The errno values jkdump's system calls can meet on x86-64 Linux (asm-generic/errno-base.h, errno.h). */
public final class Errno {
    public static final int EPERM = 1, ENOENT = 2, ENOEXEC = 8, EBADF = 9, ENOMEM = 12, EACCES = 13, EBUSY = 16,
            EINVAL = 22, EFBIG = 27, ENOSYS = 38, ENOPKG = 65, EBADMSG = 74, EOVERFLOW = 75, EKEYREJECTED = 129;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM (Operation not permitted)"), Map.entry(ENOENT, "ENOENT (No such file or directory)"),
            Map.entry(ENOEXEC, "ENOEXEC (Exec format error)"), Map.entry(EBADF, "EBADF (Bad file descriptor)"),
            Map.entry(ENOMEM, "ENOMEM (Cannot allocate memory)"), Map.entry(EACCES, "EACCES (Permission denied)"),
            Map.entry(EBUSY, "EBUSY (Device or resource busy)"), Map.entry(EINVAL, "EINVAL (Invalid argument)"),
            Map.entry(EFBIG, "EFBIG (File too large)"), Map.entry(ENOSYS, "ENOSYS (Function not implemented)"),
            Map.entry(ENOPKG, "ENOPKG (Package not installed)"), Map.entry(EBADMSG, "EBADMSG (Bad message)"),
            Map.entry(EOVERFLOW, "EOVERFLOW (Value too large for defined data type)"),
            Map.entry(EKEYREJECTED, "EKEYREJECTED (Key was rejected by service)"));

    private Errno() {
    }

    /** "ENOMEM (Cannot allocate memory)", or "errno 123" for values not listed here. */
    public static String describe(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }
}
