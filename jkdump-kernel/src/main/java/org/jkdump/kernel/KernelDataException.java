package org.jkdump.kernel;

import org.jkdump.format.JkdumpException;

/**
 * Kernel data read from a dump that breaks the kernel's own rules (an index outside its
 * buffer, a ring whose head is more than its size ahead of its tail), or VMCOREINFO lacking an
 * entry a reader needs. The message names the dump, the structure and the address.
 */
public final class KernelDataException extends JkdumpException {
    public KernelDataException(String message) {
        super(message);
    }
}
