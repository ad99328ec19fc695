package org.jkdump.kexec;

import org.jkdump.format.JkdumpException;

/**
 * A system call failed: the call's name and the {@code errno} it set. Callers that know the
 * context (file sizes, the reservation) turn it into a fuller message; see {@link KexecFileLoad}.
 */
public final class ErrnoException extends JkdumpException {
    private final String call;
    private final int errno;

    public ErrnoException(String call, int errno) {
        super(call + ": " + Errno.describe(errno));
        this.call = call;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }
}
