package org.jkdump.kernel;

import org.jkdump.format.JkdumpException;

/**
 * A type, member, enumerator or variable that this kernel's type information does not
 * have: the name asked for and where it was looked up. Helpers that support several
 * kernel versions check with {@code Types.find}/{@code hasMember} first; this exception
 * means a layout the caller relied on is absent.
 */
public class UnknownTypeException extends JkdumpException {
    public UnknownTypeException(String message) {
        super(message);
    }
}
