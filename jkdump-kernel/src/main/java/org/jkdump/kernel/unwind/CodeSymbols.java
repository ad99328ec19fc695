package org.jkdump.kernel.unwind;

import java.util.Optional;

/**
 * Maps code addresses to the function holding them, for naming frames and for recognising
 * return addresses. Implemented over the kernel's kallsyms (and module symbol tables); an
 * address outside kernel and module text gives empty.
 */
@FunctionalInterface
public interface CodeSymbols {
    Optional<CodeSymbol> function(long address);

    /** Whether {@code address} lies in kernel or module text. */
    default boolean isText(long address) {
        return function(address).isPresent();
    }
}
