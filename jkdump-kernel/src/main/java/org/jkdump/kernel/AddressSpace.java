package org.jkdump.kernel;

import java.util.List;
import org.jkdump.format.DumpFile;
import org.jkdump.format.ElfDump;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.MissingPageException;
import org.jkdump.format.PhysicalMemory;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.x86.LayoutDiscovery;
import org.jkdump.kernel.x86.PageTables;
import org.jkdump.kernel.x86.PageWalk;
import org.jkdump.kernel.x86.VirtualLayout;

/**
 * An x86-64 virtual address space over a dump's physical memory: the kernel's (rooted at
 * init_top_pgt) or a process's (rooted at its mm's pgd, see {@link #forPageTable}). Kernel
 * image addresses translate by the text mapping's rule (__pa_symbol: vaddr -
 * __START_KERNEL_map + phys_base), direct-map addresses by subtracting page_offset_base once
 * that base is known, everything else by walking the page tables; walked pages are cached.
 * Failures raise {@link TranslationException} or {@link MissingVirtualPageException}.
 */
public final class AddressSpace implements KernelMemory {
    private static final int PAGE = 4096;
    private static final int CACHE_SLOTS = 256;

    private final PhysicalMemory memory;
    private final VirtualLayout layout;
    private final PageTables tables;
    /** Recently walked 4 KiB pages; entries are immutable, so racing readers see whole ones. */
    private final Cached[] cache = new Cached[CACHE_SLOTS];

    private record Cached(long vpage, long ppage) {
    }

    private AddressSpace(PhysicalMemory memory, VirtualLayout layout, PageTables tables) {
        this.memory = memory;
        this.layout = layout;
        this.tables = tables;
    }

    /**
     * The kernel's address space of {@code dump}, its layout discovered from VMCOREINFO, the
     * page tables and (ELF dumps) the PT_LOAD headers.
     *
     * @throws JkdumpException when the dump has no VMCOREINFO or it lacks the page-table symbol
     */
    public static AddressSpace kernel(DumpFile dump) {
        var info = dump.vmcoreinfo().orElseThrow(() -> new JkdumpException(dump.name()
                + ": the dump has no VMCOREINFO note: cannot locate the kernel's page tables"));
        List<ElfDump.Segment> segments = dump instanceof ElfDump elf ? elf.segments() : List.of();
        return kernel(dump.memory(), info, segments);
    }

    /** The kernel's address space over {@code memory}; {@code segments} may be empty. */
    public static AddressSpace kernel(PhysicalMemory memory, VmcoreInfo info, List<ElfDump.Segment> segments) {
        var layout = LayoutDiscovery.discover(memory, info, segments);
        return new AddressSpace(memory, layout, LayoutDiscovery.kernelPageTables(memory, info, layout));
    }

    /** This address space with another layout (e.g. bases read from kernel variables once symbols are known). */
    public AddressSpace withLayout(VirtualLayout newLayout) {
        return new AddressSpace(memory, newLayout, tables);
    }

    /**
     * The address space whose top-level table is at kernel virtual address {@code pgd} (an
     * mm_struct's {@code pgd}): user addresses walk that table; kernel addresses translate as
     * in the kernel's space, since every pgd shares the kernel half.
     */
    public AddressSpace forPageTable(long pgd) {
        return new AddressSpace(memory, layout, tables.withTopTable(translate(pgd)));
    }

    public VirtualLayout layout() {
        return layout;
    }

    /** The page tables this space walks. */
    public PageTables pageTables() {
        return tables;
    }

    /** The dump's physical memory. */
    public PhysicalMemory physical() {
        return memory;
    }

    /**
     * The physical address {@code vaddr} maps to.
     *
     * @throws TranslationException when it maps to nothing the dump can show
     */
    public long translate(long vaddr) {
        if (layout.inTextMapping(vaddr)) return layout.textToPhysical(vaddr);
        if (layout.inDirectMap(vaddr)) return vaddr - layout.pageOffset().orElseThrow().address();
        long vpage = vaddr & -PAGE;
        int slot = (int) ((vpage >>> 12) & (CACHE_SLOTS - 1));
        var c = cache[slot];
        if (c != null && c.vpage == vpage) return c.ppage | (vaddr & (PAGE - 1));
        long paddr = tables.walk(vaddr).paddr();
        cache[slot] = new Cached(vpage, paddr & -PAGE);
        return paddr;
    }

    /** Walks the page tables for {@code vaddr} whatever its region, recording every entry (crash's vtop). */
    public PageWalk walk(long vaddr) {
        return tables.walk(vaddr);
    }

    /** Reads larger than this are checked page by page before their buffer is allocated. */
    static final int LARGE_READ = 1 << 20;

    /**
     * {@inheritDoc} A size a reader took from the dump (a ring's count, a table's length) may be
     * corrupt: a large read is refused when it exceeds a quarter of the heap, and its pages are
     * checked to be in the dump before the buffer is allocated, so that a hostile size fails
     * with the first missing page instead of an OutOfMemoryError.
     */
    @Override
    public byte[] read(long vaddr, int len) {
        if (len < 0) throw new KernelDataException(memory.name() + ": a read of " + len + " bytes at 0x" + Long.toHexString(vaddr));
        if (len > LARGE_READ) {
            long heap = Runtime.getRuntime().maxMemory();
            if (len > heap / 4)
                throw new KernelDataException(String.format("%s: reading %d bytes at 0x%016x: more than a quarter of the %d MiB heap"
                        + " (a corrupt size in the dump, or give the JVM more with JKDUMP_JAVA_OPTS=-Xmx...)", memory.name(), len, vaddr, heap >> 20));
            var probe = new byte[1];
            for (long v = vaddr; Long.compareUnsigned(v - vaddr, len) < 0; v = (v & -PAGE) + PAGE) {
                long paddr = translate(v);
                if (!memory.isPresent(Long.divideUnsigned(paddr, memory.pageSize()))) read(v, probe, 0, 1);  // throws, naming the page
            }
        }
        var b = new byte[len];
        read(vaddr, b, 0, len);
        return b;
    }

    @Override
    public void read(long vaddr, byte[] dst, int off, int len) {
        while (len > 0) {
            long paddr = translate(vaddr);
            int n = (int) Math.min(len, linearRun(vaddr));
            try {
                memory.read(paddr, dst, off, n);
            } catch (MissingPageException e) {
                // name the first missing byte's virtual address, not the run's start
                long missing = vaddr + (e.address() - paddr);
                throw new MissingVirtualPageException(memory.name(), missing, e.address(), e);
            }
            vaddr += n;
            off += n;
            len -= n;
        }
    }

    /** How many bytes from {@code vaddr} are physically contiguous by rule, at least to the page's end. */
    private long linearRun(long vaddr) {
        long toPageEnd = PAGE - (vaddr & (PAGE - 1));
        if (layout.inTextMapping(vaddr)) {
            long end = VirtualLayout.START_KERNEL_MAP + layout.kernelImageSize().orElse(VirtualLayout.MIN_KERNEL_IMAGE_SIZE);
            return Math.max(toPageEnd, end - vaddr);
        }
        if (layout.inDirectMap(vaddr)) {
            long end = layout.pageOffset().orElseThrow().address() + layout.directMapSize();
            return Long.compareUnsigned(end - vaddr, Integer.MAX_VALUE) < 0 ? end - vaddr : Integer.MAX_VALUE;
        }
        return toPageEnd;
    }
}
