package org.jkdump.kernel;

import java.nio.file.Path;
import java.util.Optional;
import org.jkdump.format.DumpFile;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.btf.Btf;
import org.jkdump.kernel.helpers.ModuleSymbols;
import org.jkdump.kernel.symbols.KernelSymbols;
import org.jkdump.kernel.symbols.SymbolTable;

/**
 * The crashed kernel as a dump shows it — the model everything above the format layer reads
 * (drgn's Program). {@link #open} finds what it can inside the dump itself: VMCOREINFO and,
 * through it, the kernel's virtual memory. The dump stays owned by the caller.
 */
public final class Kernel {
    private final DumpFile dump;
    private final VmcoreInfo vmcoreinfo;
    private final AddressSpace memory;
    // Symbols and types are found on first use, so that commands which need neither (dmesg,
    // info) never pay for decoding kallsyms or BTF.
    private final Optional<Path> symbolFile;
    private SymbolTable imageSymbols;
    private SymbolTable symbols;
    private Types types;

    private Kernel(DumpFile dump, VmcoreInfo vmcoreinfo, AddressSpace memory, Optional<Path> symbolFile) {
        this.dump = dump;
        this.vmcoreinfo = vmcoreinfo;
        this.memory = memory;
        this.symbolFile = symbolFile;
    }

    /**
     * Opens the kernel held by {@code dump}.
     *
     * @throws JkdumpException when the dump has no VMCOREINFO note (it says where the page
     *                         tables, the log and the kernel's structures are)
     */
    public static Kernel open(DumpFile dump) {
        return open(dump, Optional.empty());
    }

    /**
     * Opens the kernel held by {@code dump}, with a System.map or vmlinux as an extra symbol
     * source (crash's {@code -m FILE} or positional file); it must match the dump.
     */
    public static Kernel open(DumpFile dump, Optional<Path> symbolFile) {
        var info = dump.vmcoreinfo().orElseThrow(() -> new JkdumpException(dump.name()
                + ": the dump has no VMCOREINFO note (a QEMU dump made without -device vmcoreinfo?):"
                + " the kernel cannot be located"));
        return new Kernel(dump, info, AddressSpace.kernel(dump), symbolFile);
    }

    public DumpFile dump() {
        return dump;
    }

    public VmcoreInfo vmcoreinfo() {
        return vmcoreinfo;
    }

    /** The kernel's virtual memory. */
    public AddressSpace memory() {
        return memory;
    }

    /**
     * The kernel's symbols: kallsyms from the dump, or the symbol file given at open, with the
     * loaded modules' symbols merged in (each naming its module). When the modules' tables
     * cannot be read (no BTF, module memory missing from the dump), the image's symbols come
     * alone, with a warning on the table saying why.
     */
    public synchronized SymbolTable symbols() {
        if (symbols == null) {
            var image = imageSymbols();
            SymbolTable all;
            try {
                all = image.merged(ModuleSymbols.read(image, types(), memory));
            } catch (JkdumpException e) {
                all = image.withWarnings(java.util.List.of("module symbols not loaded: " + e.getMessage()));
            }
            symbols = all;
        }
        return symbols;
    }

    /** The kernel image's symbols alone; types and module symbols are found through them. */
    private synchronized SymbolTable imageSymbols() {
        if (imageSymbols == null) imageSymbols = KernelSymbols.load(memory, vmcoreinfo, symbolFile);
        return imageSymbols;
    }

    /** The kernel's types, from the BTF in its own memory (__start_BTF..__stop_BTF). */
    public synchronized Types types() {
        if (types == null) types = loadTypes();
        return types;
    }

    /** A typed object of type {@code typeSpec} ("struct task_struct", "u64") at kernel address {@code address}. */
    public KObject object(String typeSpec, long address) {
        return KObject.at(types(), memory, typeSpec, address);
    }

    /** The global variable {@code name} read as {@code typeSpec} (crash's {@code p name} with the type given). */
    public KObject variable(String name, String typeSpec) {
        long address = symbols().address(name).orElseThrow(() -> new JkdumpException(dump.name()
                + ": no symbol " + name + " in the kernel's symbol table"));
        return object(typeSpec, address);
    }

    private Types loadTypes() {
        var table = imageSymbols();
        long start = table.address("__start_BTF").orElseThrow(() -> new JkdumpException(dump.name()
                + ": the kernel has no __start_BTF symbol (built without CONFIG_DEBUG_INFO_BTF?): no type information"));
        long stop = table.address("__stop_BTF").orElseThrow(() -> new JkdumpException(dump.name()
                + ": the kernel has __start_BTF but no __stop_BTF symbol"));
        return new Types(Btf.fromMemory(memory, start, stop));
    }
}
