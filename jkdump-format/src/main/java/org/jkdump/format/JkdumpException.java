package org.jkdump.format;

/**
 * The root of every failure a user can cause or meet: a bad dump, a missing page, a wrong
 * option, a full disk. Its message is complete on its own and is printed as
 * {@code jkdump: <message>}; the CLI turns it into exit status 1 without a stack trace.
 */
public class JkdumpException extends RuntimeException {
    public JkdumpException(String message) {
        super(message);
    }

    public JkdumpException(String message, Throwable cause) {
        super(message, cause);
    }
}
