package org.jkdump.kernel;

import org.jkdump.format.JkdumpException;

/**
 * A read at a kernel or user virtual address that failed: either the translation failed
 * ({@link TranslationException}) or it succeeded and the dump lacks the page it leads to
 * ({@link MissingVirtualPageException}). Catch this type to handle both.
 */
public abstract sealed class VirtualMemoryException extends JkdumpException
        permits TranslationException, MissingVirtualPageException {
    private final long address;

    VirtualMemoryException(long address, String message, Throwable cause) {
        super(message, cause);
        this.address = address;
    }

    /** The virtual address whose read failed. */
    public long address() {
        return address;
    }
}
