package org.jkdump.crash;

import org.jkdump.format.JkdumpException;

/**
 * A command was given flags or arguments it does not take. The shell prints the message,
 * the command's synopsis and crash's hint {@code Enter "help CMD" for details.}
 */
public final class UsageException extends JkdumpException {
    private final String command;

    public UsageException(String command, String message) {
        super(message);
        this.command = command;
    }

    public String command() {
        return command;
    }
}
