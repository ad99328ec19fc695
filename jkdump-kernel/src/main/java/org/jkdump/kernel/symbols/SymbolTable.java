package org.jkdump.kernel.symbols;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * An immutable kernel symbol table: the kernel image's symbols (from kallsyms, a System.map or
 * a vmlinux) and, merged in, those of loaded modules. A name is a hash lookup and an address
 * a binary search over the address-sorted array, so a table of ~150,000 symbols answers an
 * address in O(log n); the substring, prefix and pattern searches scan it once.
 *
 * <p>Address lookups answer as crash's {@code sym ADDR} does: the nearest symbol at or below
 * the address, with the offset. Symbols sharing an address (aliases such as {@code _stext},
 * {@code _text} and {@code startup_64}) keep the order of their source, and the first one
 * wins, as in the kernel's own {@code kallsyms_lookup()}. An address past the end of the
 * region its nearest symbol belongs to (the kernel image, the per-cpu/absolute values near
 * zero, one module) has no symbol: a direct-map or vmalloc address is not "_end+123456".
 */
public final class SymbolTable implements Iterable<Symbol> {
    private static final Comparator<Symbol> BY_ADDRESS = (a, b) -> Long.compareUnsigned(a.address(), b.address());
    // Global symbols first among equal names: a static function that shares the name of an
    // exported one is rarely the one meant.
    private static final Comparator<Symbol> PREFERENCE = (a, b) -> {
        boolean ga = a.isGlobal(), gb = b.isGlobal();
        if (ga != gb) return ga ? -1 : 1;
        return Long.compareUnsigned(a.address(), b.address());
    };

    private final String origin;
    private final List<String> warnings;
    private final Symbol[] byAddress;
    private final long[] addresses;
    private final long[] regionEnd;  // per byAddress index: the last address its region covers (inclusive)
    private final Map<String, Object> byName;  // a Symbol, or a Symbol[] in preference order when names repeat

    /** The same symbols with other warnings: the sorted arrays are shared, not rebuilt. */
    private SymbolTable(SymbolTable table, List<String> warnings) {
        this.origin = table.origin;
        this.warnings = List.copyOf(warnings);
        this.byAddress = table.byAddress;
        this.addresses = table.addresses;
        this.regionEnd = table.regionEnd;
        this.byName = table.byName;
    }

    private SymbolTable(String origin, List<String> warnings, Symbol[] symbols) {
        this.origin = origin;
        this.warnings = List.copyOf(warnings);
        this.byAddress = symbols.clone();
        Arrays.sort(byAddress, BY_ADDRESS);  // stable: aliases keep their source order
        this.addresses = new long[byAddress.length];
        for (int i = 0; i < byAddress.length; i++) addresses[i] = byAddress[i].address();
        this.regionEnd = regionEnds(byAddress);
        this.byName = nameIndex(byAddress);
    }

    /**
     * A table of {@code symbols}; {@code origin} says where they came from, for messages
     * ({@code "kallsyms in the dump"}, {@code "System.map /boot/System.map-6.1.0-56-amd64"}).
     */
    public static SymbolTable of(String origin, Collection<Symbol> symbols) {
        return new SymbolTable(origin, List.of(), symbols.toArray(Symbol[]::new));
    }

    /** This table plus {@code more} (a module's symbols, each carrying its module name). */
    public SymbolTable merged(Collection<Symbol> more) {
        var all = Arrays.copyOf(byAddress, byAddress.length + more.size());
        int i = byAddress.length;
        for (var s : more) all[i++] = s;
        return new SymbolTable(origin, warnings, all);
    }

    /** This table with a warning attached (a symbol file that was found but not used, and why). */
    public SymbolTable withWarnings(List<String> more) {
        if (more.isEmpty()) return this;
        var all = new ArrayList<>(warnings);
        all.addAll(more);
        return new SymbolTable(this, all);
    }

    /** Where the symbols came from, for messages. */
    public String origin() {
        return origin;
    }

    /** Things worth telling the user about how this table was built (files skipped and why). */
    public List<String> warnings() {
        return warnings;
    }

    public int size() {
        return byAddress.length;
    }

    /** The symbol named {@code name}; when several share it, a global one first, then the lowest address. */
    public Optional<Symbol> byName(String name) {
        return switch (byName.get(name)) {
            case null -> Optional.empty();
            case Symbol s -> Optional.of(s);
            case Symbol[] all -> Optional.of(all[0]);
            default -> throw new IllegalStateException();
        };
    }

    /** The address of {@code name} (see {@link #byName}). */
    public OptionalLong address(String name) {
        var s = byName(name);
        return s.isPresent() ? OptionalLong.of(s.get().address()) : OptionalLong.empty();
    }

    /** Every symbol named {@code name} (static functions and module symbols may repeat a name). */
    public List<Symbol> allNamed(String name) {
        return switch (byName.get(name)) {
            case null -> List.of();
            case Symbol s -> List.of(s);
            case Symbol[] all -> List.of(all);
            default -> throw new IllegalStateException();
        };
    }

    /** Symbols whose name starts with {@code prefix}, in address order. */
    public List<Symbol> withPrefix(String prefix) {
        return filter(s -> s.name().startsWith(prefix));
    }

    /** Symbols whose name contains {@code text}, in address order (crash's {@code sym -q}). */
    public List<Symbol> containing(String text) {
        return filter(s -> s.name().contains(text));
    }

    /** Symbols whose name the regular expression finds a match in, in address order. */
    public List<Symbol> matching(Pattern pattern) {
        return filter(s -> pattern.matcher(s.name()).find());
    }

    /**
     * The symbol containing {@code address} and the offset into it: the nearest symbol at or
     * below, first of its aliases; empty below the lowest symbol or past the end of the
     * nearest symbol's region (see the class comment).
     */
    public Optional<SymbolOffset> symbolAt(long address) {
        int i = floor(address);
        if (i < 0 || Long.compareUnsigned(address, regionEnd[i]) > 0) return Optional.empty();
        while (i > 0 && addresses[i - 1] == addresses[i]) i--;
        return Optional.of(new SymbolOffset(byAddress[i], address - addresses[i]));
    }

    /** Every symbol that starts exactly at {@code address}, in source order. */
    public List<Symbol> startingAt(long address) {
        int i = floor(address);
        if (i < 0 || addresses[i] != address) return List.of();
        int first = i;
        while (first > 0 && addresses[first - 1] == address) first--;
        return List.of(Arrays.copyOfRange(byAddress, first, i + 1));
    }

    /** Symbols with {@code start <= address < end} (unsigned), in address order. */
    public List<Symbol> between(long start, long end) {
        var out = new ArrayList<Symbol>();
        for (int i = floor(start) + 1 - countAt(start); i < byAddress.length && Long.compareUnsigned(addresses[i], end) < 0; i++) out.add(byAddress[i]);
        return out;
    }

    /** All symbols in address order. */
    @Override
    public Iterator<Symbol> iterator() {
        return Arrays.asList(byAddress).iterator();
    }

    public Stream<Symbol> stream() {
        return StreamSupport.stream(Spliterators.spliterator(byAddress, Spliterator.ORDERED | Spliterator.IMMUTABLE | Spliterator.NONNULL), false);
    }

    @Override
    public String toString() {
        return "SymbolTable[" + byAddress.length + " symbols from " + origin + "]";
    }

    private List<Symbol> filter(Predicate<Symbol> p) {
        var out = new ArrayList<Symbol>();
        for (var s : byAddress) if (p.test(s)) out.add(s);
        return out;
    }

    /** Index of the last symbol whose address is <= {@code address} (unsigned), or -1. */
    private int floor(long address) {
        int lo = 0, hi = addresses.length - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(addresses[mid], address) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** How many symbols sit exactly at {@code address}. */
    private int countAt(long address) {
        int n = 0;
        for (int i = floor(address); i >= 0 && addresses[i] == address; i--) n++;
        return n;
    }

    private static Map<String, Object> nameIndex(Symbol[] sorted) {
        var index = HashMap.<String, Object>newHashMap(sorted.length);
        List<String> repeated = new ArrayList<>();
        for (var s : sorted) {
            var prev = index.putIfAbsent(s.name(), s);
            if (prev != null) {
                if (prev instanceof Symbol) repeated.add(s.name());
                var all = prev instanceof Symbol[] arr ? Arrays.copyOf(arr, arr.length + 1) : new Symbol[]{(Symbol) prev, null};
                all[all.length - 1] = s;
                index.put(s.name(), all);
            }
        }
        for (var name : repeated) Arrays.sort((Symbol[]) index.get(name), PREFERENCE);
        return index;
    }

    /**
     * The last address each symbol's region covers. A region is one module, or for the kernel
     * one half of the address space: the image and its data (top half) apart from the
     * zero-based per-cpu offsets and absolute values (bottom half, modules' included).
     */
    private static long[] regionEnds(Symbol[] sorted) {
        var ends = new HashMap<Object, Long>();
        for (var s : sorted) {
            long last = s.address() + Math.max(0, s.size().orElse(0) - 1);
            ends.merge(region(s), last, (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
        }
        var out = new long[sorted.length];
        for (int i = 0; i < sorted.length; i++) out[i] = ends.get(region(sorted[i]));
        return out;
    }

    private static final Object KERNEL_HIGH = "kernel", KERNEL_LOW = "kernel low";

    private static Object region(Symbol s) {
        // a module's per-cpu variables are offsets near zero like the kernel's, not part of the module's range
        if (s.address() >= 0) return KERNEL_LOW;
        return s.module().isPresent() ? s.module() : KERNEL_HIGH;
    }
}
