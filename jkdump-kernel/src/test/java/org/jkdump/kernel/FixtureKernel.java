package org.jkdump.kernel;

import java.nio.file.Path;
import org.jkdump.format.DumpFile;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.Fixtures;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.btf.Btf;
import org.jkdump.kernel.symbols.Kallsyms;
import org.jkdump.kernel.symbols.SymbolTable;

/**
 * A fixture dump opened the way jkdump opens any dump, with no vmlinux and no System.map:
 * {@link Kernel#open} (page-table translation), kallsyms decoded from the dump's memory
 * through VMCOREINFO, and the kernel's BTF read from its memory between
 * {@code __start_BTF} and {@code __stop_BTF}.
 */
public final class FixtureKernel implements AutoCloseable {
    private final DumpFile dump;
    private final Kernel kernel;
    private final SymbolTable symbols;
    private final Btf btf;
    private final Types types;

    private FixtureKernel(Path path) {
        this.dump = DumpFiles.open(path);
        this.kernel = Kernel.open(dump);
        this.symbols = Kallsyms.read(kernel.memory(), kernel.vmcoreinfo());
        this.btf = Btf.fromMemory(kernel.memory(), symbol("__start_BTF"), symbol("__stop_BTF"));
        this.types = new Types(btf);
    }

    /** kdump-sysrq's ELF (unpacked from vmcore.elf.xz). */
    public static FixtureKernel sysrq() {
        return new FixtureKernel(Fixtures.sysrqElf());
    }

    /** kdump-sysrq's kdump-compressed zlib file: the one crash.txt was made from. */
    public static FixtureKernel sysrqZlib() {
        return new FixtureKernel(Fixtures.sysrq("vmcore.kdump-zlib"));
    }

    /** kdump-oops-module's kdump-compressed LZO file (module jkcrash loaded). */
    public static FixtureKernel oops() {
        return new FixtureKernel(Fixtures.oops("vmcore.kdump-lzo"));
    }

    public DumpFile dump() {
        return dump;
    }

    public VmcoreInfo vmcoreinfo() {
        return kernel.vmcoreinfo();
    }

    public AddressSpace memory() {
        return kernel.memory();
    }

    public Btf btf() {
        return btf;
    }

    public Types types() {
        return types;
    }

    /** A kallsyms symbol's runtime address; fails when the dump's kallsyms lack it. */
    public long symbol(String name) {
        return symbols.address(name).orElseThrow(() -> new AssertionError("no symbol " + name + " in the dump's kallsyms"));
    }

    /** page_offset_base: where the direct map of physical memory starts (KASLR moves it). */
    public long pageOffsetBase() {
        return memory().u64(symbol("page_offset_base"));
    }

    /** The global variable {@code name} as an object of {@code type}. */
    public KObject variable(String name, String type) {
        return KObject.at(types, memory(), types.type(type), symbol(name), name);
    }

    @Override
    public void close() {
        dump.close();
    }
}
