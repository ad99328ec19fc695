package org.jkdump.kernel;

import org.jkdump.format.JkdumpException;

/**
 * A typed object that could not be read from the dump: names what was being read (the
 * expression that led to it, e.g. {@code init_task.tasks.next}), its type and virtual
 * address, and why the read failed (the page is excluded, the address unmapped, the
 * pointer NULL).
 */
public class ObjectReadException extends JkdumpException {
    private final long address;

    public ObjectReadException(String message, long address, Throwable cause) {
        super(message, cause);
        this.address = address;
    }

    /** The virtual address that could not be read. */
    public long address() {
        return address;
    }
}
