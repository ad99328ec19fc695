package org.jkdump.kernel.unwind;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jkdump.kernel.symbols.Symbol;
import org.jkdump.kernel.symbols.SymbolTable;

/**
 * {@link CodeSymbols} over the kernel's symbol table (kallsyms from the dump, or a given
 * System.map), plus module functions read from the modules' own symbol tables when the
 * table lacks them. kallsyms records no sizes, so a function ends where the next symbol
 * starts; of several names at one address the frame gets the one crash prints.
 */
public final class TextSymbols implements CodeSymbols {
    private final SymbolTable symbols;
    private final List<CodeSymbol> moduleFunctions;   // sorted by start
    private final ConcurrentHashMap<Long, Long> sizes = new ConcurrentHashMap<>();

    public TextSymbols(SymbolTable symbols, List<CodeSymbol> moduleFunctions) {
        this.symbols = symbols;
        this.moduleFunctions = moduleFunctions.stream().sorted(java.util.Comparator.comparingLong(CodeSymbol::start)).toList();
    }

    @Override
    public Optional<CodeSymbol> function(long address) {
        int lo = 0, hi = moduleFunctions.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            var f = moduleFunctions.get(mid);
            if (Long.compareUnsigned(address, f.start()) < 0) hi = mid - 1;
            else if (Long.compareUnsigned(address, f.start() + Math.max(1, f.size())) >= 0) lo = mid + 1;
            else return Optional.of(f);
        }
        return symbols.symbolAt(address).filter(so -> so.symbol().isText()).map(so -> {
            long start = so.symbol().address();
            long size = sizes.computeIfAbsent(start, this::sizeOf);
            return new CodeSymbol(preferredName(so.symbol()), start, size, so.symbol().module());
        });
    }

    /**
     * Of several names for one address, the one crash prints: crash takes the last alias in
     * System.map's order, which nm -n sorts by address and then by name — so the greatest
     * name: {@code __x64_sys_pause} over {@code __do_sys_pause} and {@code __ia32_sys_pause},
     * {@code __x86_indirect_thunk_rax} over {@code __indirect_thunk_start}. (kallsyms keeps
     * link order instead, so its first alias is not crash's.)
     */
    private String preferredName(Symbol first) {
        return symbols.startingAt(first.address()).stream().filter(Symbol::isText).map(Symbol::name)
                .max(String::compareTo).orElse(first.name());
    }

    /** kallsyms has no sizes: a function ends where the next symbol starts. */
    private long sizeOf(long start) {
        return symbols.between(start + 1, start + (1 << 20)).stream().findFirst().map(s -> s.address() - start).orElse(0L);
    }
}
