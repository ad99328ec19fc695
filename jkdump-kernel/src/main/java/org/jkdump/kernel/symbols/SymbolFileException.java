package org.jkdump.kernel.symbols;

import org.jkdump.format.JkdumpException;

/**
 * A symbol file (System.map, vmlinux) that cannot be used: unreadable, malformed at a given
 * line, or built for another kernel than the dump's. The message names the file and, where
 * there is one, the line: {@code System.map: line 17: address "xyz" is not hexadecimal}.
 */
public class SymbolFileException extends JkdumpException {
    private final String file;
    private final int line;

    /** A problem at {@code line} (1-based) of {@code file}. */
    public SymbolFileException(String file, int line, String what) {
        super(file + ": line " + line + ": " + what);
        this.file = file;
        this.line = line;
    }

    /** A problem with {@code file} as a whole. */
    public SymbolFileException(String file, String what) {
        super(file + ": " + what);
        this.file = file;
        this.line = 0;
    }

    public String file() {
        return file;
    }

    /** The 1-based line the problem is on, 0 when it is not about one line. */
    public int line() {
        return line;
    }
}
