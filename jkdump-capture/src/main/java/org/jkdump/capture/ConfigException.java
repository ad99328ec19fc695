package org.jkdump.capture;

import org.jkdump.format.JkdumpException;

/** A jkdump.conf line that cannot be used: the file, the line number and why. */
public final class ConfigException extends JkdumpException {
    public ConfigException(String source, int line, String why) {
        super(source + ": line " + line + ": " + why);
    }
}
