package org.jkdump.kernel.helpers;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.Kernel;

/**
 * The {@code struct page} array (vmemmap, {@code vmemmap_base}) walked over every node's
 * spanned frames, for the counts crash takes from the page map: shared pages are
 * non-reserved pages with a reference count above one (crash's dump_mem_map()).
 * Layout from VMCOREINFO (SIZE(page), OFFSET(page.flags), OFFSET(page._refcount)); the
 * PG_reserved bit from BTF's enum pageflags.
 */
public final class PageMap {
    private PageMap() {
    }

    public static long sharedPages(Kernel k) {
        var vi = k.vmcoreinfo();
        // a struct page is 64 bytes on x86-64; these values size the loop and index its chunks
        long pageSize = vi.sizeWithin("page", PageStruct.MIN_SIZE, PageStruct.MAX_SIZE, "struct page cannot be read");
        long flagsOff = vi.offsetWithin("page", "flags", 8, pageSize).orElse(0);
        long refOff = vi.offsetWithin("page", "_refcount", 4, pageSize)
                .orElseThrow(() -> vi.lacks("OFFSET(page._refcount)", "struct page cannot be read"));
        long lastPfn = k.memory().physical().maxPfn();
        long reserved = 1L << k.types().constant("PG_reserved").orElseThrow(() -> new JkdumpException("BTF lacks enum pageflags PG_reserved"));
        long vmemmap = k.memory().u64(Access.symbol(k, "vmemmap_base"));
        long nodeData = Access.symbol(k, "node_data");
        long shared = 0;
        var chunk = new byte[4096];
        for (int n = 0; n < Math.min(vi.length("node_data").orElse(1), 1024); n++) {
            long pgdat = k.memory().u64(nodeData + 8L * n);
            if (pgdat == 0) continue;
            var node = Access.object(k, "struct pglist_data", pgdat);
            long start = node.member("node_start_pfn").asUnsigned();
            long spanned = node.member("node_spanned_pages").asUnsigned();
            // a node never spans frames beyond the dump's memory: a corrupt span would loop for ever
            if (Long.compareUnsigned(start, lastPfn) >= 0) continue;
            long end = Long.compareUnsigned(spanned, lastPfn - start) > 0 ? lastPfn : start + spanned;
            long perChunk = chunk.length / pageSize;
            for (long pfn = start; pfn < end; pfn += perChunk) {
                long addr = vmemmap + pfn * pageSize;
                try {
                    k.memory().read(addr, chunk, 0, chunk.length);
                } catch (JkdumpException e) {
                    continue; // a hole in the memory map: no struct pages there
                }
                var bb = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
                for (long i = 0; i < perChunk && pfn + i < end; i++) {
                    int off = (int) (i * pageSize);
                    long flags = bb.getLong(off + (int) flagsOff);
                    int count = bb.getInt(off + (int) refOff);
                    if ((flags & reserved) == 0 && count > 1) shared++;
                }
            }
        }
        return shared;
    }
}
