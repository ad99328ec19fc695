package org.jkdump.kernel;

import org.jkdump.format.MissingPageException;

/**
 * A virtual address that translates, but whose page the dump does not hold (filtered out by
 * the dump level, outside every segment, or lost): names both addresses and the reason, e.g.
 * {@code vmcore: virtual address 0xffff8efe81203080 (physical 0x1203080) is excluded from the dump}.
 */
public final class MissingVirtualPageException extends VirtualMemoryException {
    private final long physicalAddress;
    private final MissingPageException.Reason reason;

    MissingVirtualPageException(String dump, long vaddr, long paddr, MissingPageException cause) {
        super(vaddr, String.format("%s: virtual address 0x%x (physical 0x%x) is %s", dump, vaddr, paddr, cause.reason().text()), cause);
        this.physicalAddress = paddr;
        this.reason = cause.reason();
    }

    public long physicalAddress() {
        return physicalAddress;
    }

    public MissingPageException.Reason reason() {
        return reason;
    }
}
