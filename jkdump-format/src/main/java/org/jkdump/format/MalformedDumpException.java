package org.jkdump.format;

/**
 * A dump file whose bytes break its format's rules: names the file, the offset and what is
 * wrong ({@code vmcore: offset 0x1ac: block_size 3 is not a power of two >= 512}).
 */
public class MalformedDumpException extends JkdumpException {
    private final String file;
    private final long offset;

    public MalformedDumpException(String file, long offset, String what) {
        super(file + ": offset 0x" + Long.toHexString(offset) + ": " + what);
        this.file = file;
        this.offset = offset;
    }

    public String file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
