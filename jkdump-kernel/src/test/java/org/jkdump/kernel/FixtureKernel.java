package org.jkdump.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.jkdump.format.DumpFile;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.Fixtures;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.VmcoreInfo;

/**
 * TEST-ONLY stand-in for the kernel model's symbols and address translation, until the
 * kallsyms reader (branch symbols) and the page-table AddressSpace (branch translate) land:
 * symbols from the fixture's System.map plus VMCOREINFO's KERNELOFFSET, and a
 * {@link KernelMemory} that knows only two linear mappings of x86-64 — the kernel image
 * (vaddr - __START_KERNEL_map + phys_base) and the direct map (vaddr - page_offset_base).
 * Not for production: it ignores page tables, so vmalloc, vmemmap, module space and
 * user addresses are refused.
 */
public final class FixtureKernel implements AutoCloseable {
    /** __START_KERNEL_map (arch/x86/include/asm/page_64_types.h). */
    private static final long START_KERNEL_MAP = 0xffffffff80000000L;
    /** The direct map spans at most 64 TiB with 4-level paging (Documentation/arch/x86/x86_64/mm.rst). */
    private static final long DIRECT_MAP_SIZE = 64L << 40;

    private static Map<String, Long> systemMap;

    private final DumpFile dump;
    private final VmcoreInfo vmcoreinfo;
    private final long physBase;
    private final long pageOffsetBase;
    private final KernelMemory memory;

    private FixtureKernel(DumpFile dump) {
        this.dump = dump;
        this.vmcoreinfo = dump.vmcoreinfo().orElseThrow();
        this.physBase = vmcoreinfo.number("phys_base").orElseThrow();
        var phys = dump.memory();
        KernelMemory image = (vaddr, dst, off, len) -> {
            if (Long.compareUnsigned(vaddr, START_KERNEL_MAP) < 0)
                throw new JkdumpException(String.format("test kernel-image memory: 0x%016x is not in the kernel image mapping", vaddr));
            phys.read(vaddr - START_KERNEL_MAP + physBase, dst, off, len);
        };
        this.pageOffsetBase = image.u64(symbol("page_offset_base"));
        this.memory = (vaddr, dst, off, len) -> {
            if (Long.compareUnsigned(vaddr, START_KERNEL_MAP) >= 0) {
                image.read(vaddr, dst, off, len);
            } else if (Long.compareUnsigned(vaddr, pageOffsetBase) >= 0 && Long.compareUnsigned(vaddr - pageOffsetBase, DIRECT_MAP_SIZE) < 0) {
                phys.read(vaddr - pageOffsetBase, dst, off, len);
            } else {
                throw new JkdumpException(String.format("test memory: 0x%016x is neither in the kernel image nor in the direct map", vaddr));
            }
        };
    }

    /** kdump-sysrq's ELF dump (the only format main reads so far). */
    public static FixtureKernel sysrq() {
        return new FixtureKernel(DumpFiles.open(Fixtures.sysrqElf()));
    }

    public DumpFile dump() {
        return dump;
    }

    public VmcoreInfo vmcoreinfo() {
        return vmcoreinfo;
    }

    public KernelMemory memory() {
        return memory;
    }

    public long pageOffsetBase() {
        return pageOffsetBase;
    }

    /**
     * A symbol's address in the crashed kernel: System.map plus KERNELOFFSET. Per-cpu
     * symbols (offsets into the per-cpu area, below the kernel map) are not moved by KASLR.
     */
    public long symbol(String name) {
        var a = systemMap().get(name);
        if (a == null) throw new IllegalArgumentException("no symbol " + name + " in System.map");
        return Long.compareUnsigned(a, START_KERNEL_MAP) >= 0 ? a + vmcoreinfo.kernelOffset() : a;
    }

    private static synchronized Map<String, Long> systemMap() {
        if (systemMap == null) {
            var map = new HashMap<String, Long>();
            try (var lines = Files.lines(Fixtures.file("linux-6.1.0-56-amd64", "System.map"))) {
                lines.forEach(l -> {
                    var f = l.split(" ");
                    if (f.length == 3) map.putIfAbsent(f[2], Long.parseUnsignedLong(f[0], 16));
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            systemMap = map;
        }
        return systemMap;
    }

    @Override
    public void close() {
        dump.close();
    }
}
