package org.jkdump.kernel;

import java.nio.file.Path;
import java.util.Optional;
import org.jkdump.format.DumpFile;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.btf.Btf;
import org.jkdump.kernel.symbols.KernelSymbols;
import org.jkdump.kernel.symbols.SymbolTable;

/**
 * The crashed kernel as a dump shows it — the model everything above the format layer reads
 * (drgn's Program). {@link #open} finds what it can inside the dump itself: VMCOREINFO and,
 * through it, the kernel's virtual memory and its symbols (kallsyms in the dump, or a System.map
 * or vmlinux the caller names). The dump stays owned by the caller.
 */
public final class Kernel {
    private final DumpFile dump;
    private final VmcoreInfo vmcoreinfo;
    private final AddressSpace memory;
    private final Optional<Path> symbolFile;
    private volatile SymbolTable symbols;
    private volatile Types types;

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
     * Opens the kernel held by {@code dump}, its symbols from {@code symbolFile} (a System.map
     * or vmlinux) when given, else from the usual places or the dump's own kallsyms
     * ({@link KernelSymbols#load}).
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
     * The kernel image's symbols, loaded on first use (decoding kallsyms takes a few hundred
     * milliseconds, which commands that never name a symbol need not pay).
     *
     * @throws JkdumpException when no symbol source is usable
     */
    public SymbolTable symbols() {
        var s = symbols;
        if (s == null) {
            synchronized (this) {
                s = symbols;
                if (s == null) symbols = s = KernelSymbols.load(memory, vmcoreinfo, symbolFile);
            }
        }
        return s;
    }

    /**
     * The kernel's types, from the BTF it carries in its own image (between {@code __start_BTF}
     * and {@code __stop_BTF}, CONFIG_DEBUG_INFO_BTF), read on first use.
     *
     * @throws JkdumpException when the kernel has no BTF or it cannot be read
     */
    public Types types() {
        var t = types;
        if (t == null) {
            synchronized (this) {
                t = types;
                if (t == null) {
                    var syms = symbols();
                    var start = syms.address("__start_BTF");
                    var stop = syms.address("__stop_BTF");
                    if (start.isEmpty() || stop.isEmpty())
                        throw new JkdumpException(dump.name() + ": the kernel has no __start_BTF/__stop_BTF symbols: it was built without"
                                + " CONFIG_DEBUG_INFO_BTF, so its structures cannot be read without a vmlinux");
                    types = t = new Types(Btf.fromMemory(memory, start.getAsLong(), stop.getAsLong()));
                }
            }
        }
        return t;
    }
}
