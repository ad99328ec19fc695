package org.jkdump.crash;

import org.jkdump.format.JkdumpException;

/**
 * A command could not do what was asked (an unknown symbol, an unreadable address, no such
 * task). Printed crash-style as {@code CMD: message}; the shell goes on to the next command.
 */
public final class CommandException extends JkdumpException {
    public CommandException(String message) {
        super(message);
    }

    public CommandException(String message, Throwable cause) {
        super(message, cause);
    }
}
