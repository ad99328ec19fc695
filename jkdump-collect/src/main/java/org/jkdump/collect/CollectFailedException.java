package org.jkdump.collect;

import org.jkdump.format.JkdumpException;

/**
 * A collect run that stopped before every kept page was written: the output stays under its
 * in-progress name, marked INCOMPLETE in its header, and readable as far as it got.
 */
public final class CollectFailedException extends JkdumpException {
    private final boolean noSpace;

    public CollectFailedException(String message, boolean noSpace, Throwable cause) {
        super(message, cause);
        this.noSpace = noSpace;
    }

    /** Whether the output's file system ran out of space (a smaller dump level may fit). */
    public boolean noSpace() {
        return noSpace;
    }
}
