package org.jkdump.format;

/**
 * A read of physical memory that the dump does not hold, with the address and why: the page
 * was filtered out, lies outside every segment, or was lost in an incomplete dump.
 */
public class MissingPageException extends JkdumpException {
    /** Why a page is not in a dump. */
    public enum Reason {
        /** filtered out by the dump level (bitmap 2, or an ELF segment's excluded tail) */
        EXCLUDED("excluded from the dump"),
        /** no segment or bitmap bit covers the address */
        NOT_IN_DUMP("outside every memory segment of the dump"),
        /** the dump is INCOMPLETE and this page was never written */
        LOST("lost: the dump is incomplete");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    private final long address;
    private final Reason reason;

    public MissingPageException(String file, long address, Reason reason) {
        super(file + ": physical address 0x" + Long.toHexString(address) + " is " + reason.text());
        this.address = address;
        this.reason = reason;
    }

    public long address() {
        return address;
    }

    public Reason reason() {
        return reason;
    }
}
