package org.jkdump.kernel.symbols;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.KernelMemory;

/**
 * Builds the kernel image's symbol table for a dump from the best source there is, the way
 * crash picks its namelist: a System.map or vmlinux the user names ({@code -m FILE}),
 * else one found where distributions install them ({@link SymbolFiles}), else the kallsyms
 * tables inside the dump itself (Linux 6.0 and later), which need no file at all.
 *
 * <p>A file's link-time addresses are moved by VMCOREINFO's KERNELOFFSET (the KASLR slide)
 * when they lie in the kernel image mapping; zero-based per-cpu offsets and absolute values
 * near zero stay as they are, as crash leaves everything outside the image's sections. A file
 * is used only when it provably belongs to the dump: its build ID (vmlinux) equals
 * VMCOREINFO's BUILD-ID, every image symbol VMCOREINFO names sits where VMCOREINFO says, and
 * its {@code linux_banner} reads as the dump's release. A file given that fails is refused
 * with a {@link SymbolFileException}; a discovered one is skipped with a warning on the table.
 */
public final class KernelSymbols {
    private KernelSymbols() {
    }

    /**
     * The symbol table for the dump described by {@code info} and read through {@code memory}
     * (which needs only the kernel image mapping). {@code file} is the user's System.map or
     * vmlinux; when empty, the usual places are searched, then kallsyms is decoded.
     */
    public static SymbolTable load(KernelMemory memory, VmcoreInfo info, Optional<Path> file) {
        return load(memory, info, file, Path.of("/"));
    }

    /** As {@link #load(KernelMemory, VmcoreInfo, Optional)}, searching under {@code root} instead of "/". */
    static SymbolTable load(KernelMemory memory, VmcoreInfo info, Optional<Path> file, Path root) {
        if (file.isPresent()) return fromFile(SymbolFile.read(file.get()), memory, info);
        var warnings = new ArrayList<String>();
        var release = info.osRelease();
        if (release.isPresent()) {
            for (var p : SymbolFiles.discover(root, release.get())) {
                try {
                    return fromFile(SymbolFile.read(p), memory, info).withWarnings(warnings);
                } catch (JkdumpException e) {
                    warnings.add("not using " + e.getMessage());  // the message starts with the file's name
                }
            }
        }
        if (!Kallsyms.presentIn(info))
            throw new JkdumpException("no kernel symbols: VMCOREINFO locates no kallsyms tables (they are there from Linux 6.0 on) and "
                    + (release.isEmpty() ? "without OSRELEASE no symbol file can be searched for"
                        : "no usable System.map or vmlinux was found in " + SymbolFiles.candidates(root, release.get()))
                    + "; name one with -m/--map FILE"
                    + (warnings.isEmpty() ? "" : " (" + String.join("; ", warnings) + ")"));
        return Kallsyms.read(memory, info).withWarnings(warnings);
    }

    /** The symbols of {@code file} moved to their runtime addresses, once the file is shown to match the dump. */
    public static SymbolTable fromFile(SymbolFile file, KernelMemory memory, VmcoreInfo info) {
        long slide = info.kernelOffset();
        var moved = new ArrayList<Symbol>(file.symbols().size());
        for (var s : file.symbols()) moved.add(relocate(s, slide));
        verify(file, moved, memory, info);
        var origin = "%s %s".formatted(file.kind(), file.path()) + (slide == 0 ? "" : " (moved by KERNELOFFSET 0x%x)".formatted(slide));
        return SymbolTable.of(origin, moved);
    }

    /**
     * {@code s} at its runtime address: KASLR moves the kernel image (link addresses from
     * {@code __START_KERNEL_map} up), not the per-cpu offsets and absolute values near zero.
     */
    static Symbol relocate(Symbol s, long slide) {
        return Long.compareUnsigned(s.address(), KernelImageMemory.START_KERNEL_MAP) >= 0 ? s.movedBy(slide) : s;
    }

    private static void verify(SymbolFile file, List<Symbol> moved, KernelMemory memory, VmcoreInfo info) {
        var name = file.path().toString();
        boolean proven = false;
        var fileId = file.buildId();
        var dumpId = info.buildId();
        if (fileId.isPresent() && dumpId.isPresent()) {
            if (!fileId.get().equalsIgnoreCase(dumpId.get()))
                throw new SymbolFileException(name, "build ID %s is not the dump's BUILD-ID %s: this %s is not the kernel that crashed"
                        .formatted(fileId.get(), dumpId.get(), file.kind()));
            proven = true;
        }
        var expected = imageSymbols(info);
        var index = new HashMap<String, List<Integer>>();  // where the file has the names VMCOREINFO gives, and linux_banner
        for (int i = 0; i < moved.size(); i++) {
            var n = moved.get(i).name();
            if (expected.containsKey(n) || n.equals("linux_banner")) index.computeIfAbsent(n, k -> new ArrayList<>()).add(i);
        }
        for (var e : expected.entrySet()) {
            var at = index.get(e.getKey());
            if (at == null) continue;
            if (at.stream().noneMatch(i -> moved.get(i).address() == e.getValue())) {
                int i = at.getFirst();
                throw new SymbolFileException(name, "%s: %s is at 0x%016x%s, but the dump's VMCOREINFO has SYMBOL(%s)=%x: this %s is not from the kernel that crashed"
                        .formatted(file.where(i), e.getKey(), file.symbols().get(i).address(),
                                info.kernelOffset() == 0 ? "" : " (0x%016x after KERNELOFFSET %x)".formatted(moved.get(i).address(), info.kernelOffset()),
                                e.getKey(), e.getValue(), file.kind()));
            }
            proven = true;
        }
        var banner = index.get("linux_banner");
        if (banner != null) proven |= bannerMatches(file, moved, banner.getFirst(), memory, info);
        if (!proven)
            throw new SymbolFileException(name, "cannot tell whether this %s belongs to the dump: it has no build ID to compare, none of the symbols VMCOREINFO names and no readable linux_banner"
                    .formatted(file.kind()));
    }

    /**
     * VMCOREINFO's SYMBOL entries that are addresses in the kernel image, in note order: the
     * anchors a symbol source is checked against. Values outside the image are skipped, since
     * SYMBOL(mem_section) is the pointer's value, not the variable's address.
     */
    static Map<String, Long> imageSymbols(VmcoreInfo info) {
        var out = new LinkedHashMap<String, Long>();
        for (var key : info.entries().keySet()) {
            if (!key.startsWith("SYMBOL(") || !key.endsWith(")")) continue;
            var sym = key.substring(7, key.length() - 1);
            var v = info.symbol(sym);
            if (v.isPresent() && KernelImageMemory.inImage(v.getAsLong())) out.put(sym, v.getAsLong());
        }
        return out;
    }

    /**
     * Whether the dump's memory at the file's {@code linux_banner} reads "Linux version
     * RELEASE "; refuses the file when it reads something else, and returns false when the
     * page is not in the dump (nothing learnt).
     */
    private static boolean bannerMatches(SymbolFile file, List<Symbol> moved, int i, KernelMemory memory, VmcoreInfo info) {
        long at = moved.get(i).address();
        String text;
        try {
            text = memory.cString(at, 256);
        } catch (JkdumpException e) {
            return false;
        }
        var expected = "Linux version " + info.osRelease().map(r -> r + " ").orElse("");
        if (text.startsWith(expected)) return true;
        var shown = text.length() > 60 ? text.substring(0, 60) + "..." : text;
        throw new SymbolFileException(file.path().toString(), "%s: linux_banner at 0x%016x reads \"%s\" in the dump, not \"%s...\": this %s is not from the kernel that crashed"
                .formatted(file.where(i), at, shown.replaceAll("[^\\x20-\\x7e]", "?"), expected.strip(), file.kind()));
    }
}
