package org.jkdump.kernel;

import org.jkdump.format.JkdumpException;

/**
 * An operation that does not fit the type of the object it is applied to: a member of
 * something that is not a struct or union, dereferencing a non-pointer, an index past an
 * array's end, reading a size-less type. The message names the object and its type.
 */
public class TypeMismatchException extends JkdumpException {
    public TypeMismatchException(String message) {
        super(message);
    }
}
