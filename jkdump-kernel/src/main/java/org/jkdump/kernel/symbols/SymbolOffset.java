package org.jkdump.kernel.symbols;

/**
 * An address described as a symbol plus an offset, the way crash's {@code sym ADDR} and the
 * kernel's {@code %pS} print it: {@code name+off} (offset in decimal, as crash shows it),
 * {@code name} alone at offset 0, and {@code [module]} after a module symbol.
 *
 * @param symbol the nearest symbol at or below the address
 * @param offset the address minus the symbol's address, never negative
 */
public record SymbolOffset(Symbol symbol, long offset) {

    /** The address this pair describes. */
    public long address() {
        return symbol.address() + offset;
    }

    /** {@code name+off [module]} as crash prints it; {@code +off} is left out at offset 0. */
    public String format() {
        var base = offset == 0 ? symbol.name() : symbol.name() + "+" + Long.toUnsignedString(offset);
        return symbol.module().map(m -> base + " [" + m + "]").orElse(base);
    }

    @Override
    public String toString() {
        return format();
    }
}
