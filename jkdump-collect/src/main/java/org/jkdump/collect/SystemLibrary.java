package org.jkdump.collect;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.util.Optional;

/**
 * A shared library of the system's for the FFM API ({@link NativeLzo}, {@link NativeDeflate}):
 * only on 64-bit Linux, the ABI their function descriptors assume; empty when the library is
 * not installed, and the collector then uses its Java codec.
 */
final class SystemLibrary {
    private SystemLibrary() {
    }

    static Optional<SymbolLookup> find(String soname) {
        if (ValueLayout.ADDRESS.byteSize() != 8 || !System.getProperty("os.name", "").startsWith("Linux")) return Optional.empty();
        try {
            return Optional.of(SymbolLookup.libraryLookup(soname, Arena.global()));
        } catch (IllegalArgumentException | IllegalCallerException missing) {
            return Optional.empty();
        }
    }

    static Linker linker() {
        return Linker.nativeLinker();
    }
}
