package org.jkdump.kernel.btf;

import org.jkdump.format.MalformedDumpException;

/**
 * A BTF blob that breaks the format's rules: names the blob (a file, or the kernel memory
 * range it came from), the byte offset inside the blob and what is wrong. The kernel model
 * catches this type to carry on without types (crash's minimal mode) where it can.
 */
public class MalformedBtfException extends MalformedDumpException {
    public MalformedBtfException(String blob, long offset, String what) {
        super(blob, offset, what);
    }
}
