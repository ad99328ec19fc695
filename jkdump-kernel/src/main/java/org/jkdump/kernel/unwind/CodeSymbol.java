package org.jkdump.kernel.unwind;

import java.util.Optional;

/**
 * A function in kernel or module text, as much as a backtrace needs of it: its name, where it
 * starts, how long it is (0 when unknown) and the module that holds it (empty for vmlinux).
 */
public record CodeSymbol(String name, long start, long size, Optional<String> module) {
    public long offset(long address) {
        return address - start;
    }
}
