package org.jkdump.kernel.helpers;

import java.util.OptionalLong;
import org.jkdump.kernel.Kernel;

/**
 * The memory summary of crash's {@code kmem -i}, in pages, from the kernel's own counters:
 * {@code _totalram_pages}; free pages from {@code vm_zone_stat[NR_FREE_PAGES]}; page cache
 * ({@code vm_node_stat[NR_FILE_PAGES]} less swap cache and block-device buffers); slab
 * ({@code NR_SLAB_RECLAIMABLE_B + NR_SLAB_UNRECLAIMABLE_B}); huge pages from
 * {@code hstates[]}; swap from {@code total_swap_pages}/{@code nr_swap_pages}; the commit
 * limit as {@code vm_commit_limit()} computes it; committed from {@code vm_committed_as}.
 * The enum indices come from BTF (enum zone_stat_item, node_stat_item).
 */
public record MemInfo(long totalRam, long free, long shared, long buffers, long cached, long slab, long hugeTotal,
                      long hugeFree, long swapTotal, long swapFree, long commitLimit, long committed) {

    public static MemInfo read(Kernel k) {
        var types = k.types();
        long total = atomicLong(k, Access.hasSymbol(k, "_totalram_pages") ? "_totalram_pages" : "totalram_pages");
        long free = stat(k, "vm_zone_stat", types.constant("NR_FREE_PAGES"));
        long filePages = stat(k, "vm_node_stat", types.constant("NR_FILE_PAGES"));
        long swapCache = stat(k, "vm_node_stat", types.constant("NR_SWAPCACHE"));
        long buffers = BlockDevices.pages(k);
        long slab = stat(k, "vm_node_stat", types.constant("NR_SLAB_RECLAIMABLE_B"))
                + stat(k, "vm_node_stat", types.constant("NR_SLAB_UNRECLAIMABLE_B"));
        long shared = PageMap.sharedPages(k);
        long hugeTotal = 0, hugeFree = 0;
        if (Access.hasSymbol(k, "hstates") && Access.hasSymbol(k, "hugetlb_max_hstate")) {
            long n = k.memory().u32(Access.symbol(k, "hugetlb_max_hstate"));
            long size = types.sizeof("struct hstate");
            for (int i = 0; i < Math.min(n, 8); i++) {
                var h = Access.object(k, "struct hstate", Access.symbol(k, "hstates") + i * size);
                long pagesPer = 1L << h.member("order").asUnsigned();
                hugeTotal += h.member("nr_huge_pages").asUnsigned() * pagesPer;
                hugeFree += h.member("free_huge_pages").asUnsigned() * pagesPer;
            }
        }
        long swapTotal = Access.hasSymbol(k, "total_swap_pages") ? k.memory().u64(Access.symbol(k, "total_swap_pages")) : 0;
        long swapFree = Access.hasSymbol(k, "nr_swap_pages") ? atomicLong(k, "nr_swap_pages") : 0;
        long limit;
        long kbytes = Access.hasSymbol(k, "sysctl_overcommit_kbytes") ? k.memory().u64(Access.symbol(k, "sysctl_overcommit_kbytes")) : 0;
        if (kbytes != 0) limit = kbytes / (k.memory().physical().pageSize() / 1024) + swapTotal;
        else limit = (total - hugeTotal) * k.memory().u32(Access.symbol(k, "sysctl_overcommit_ratio")) / 100 + swapTotal;
        long committed = Access.hasSymbol(k, "vm_committed_as")
                ? Math.max(0, Access.global(k, "struct percpu_counter", "vm_committed_as").member("count").asLong()) : 0;
        return new MemInfo(total, free, shared, buffers, Math.max(0, filePages - swapCache - buffers), slab, hugeTotal,
                hugeFree, swapTotal, swapFree, limit, committed);
    }

    /** Present pages of all online nodes ({@code node_data[n]->node_present_pages}), for sys's MEMORY. */
    public static long presentPages(Kernel k) {
        long nodeData = Access.symbol(k, "node_data");
        long n = k.vmcoreinfo().length("node_data").orElse(1);
        long total = 0;
        for (int i = 0; i < Math.min(n, 1024); i++) {
            long pgdat = k.memory().u64(nodeData + 8L * i);
            if (pgdat == 0) continue;
            total += Access.object(k, "struct pglist_data", pgdat).member("node_present_pages").asUnsigned();
        }
        return total;
    }

    /**
     * The pages below {@code high_memory}, the end of the kernel's direct map of RAM (on x86-64
     * {@code __va(max_pfn << PAGE_SHIFT)}, arch/x86/mm/init_64.c): holes included, so a 4 GiB
     * machine whose RAM is split around the PCI hole has 5 GiB of them. crash divides a task's
     * RSS by this for ps's %MEM. Empty when the direct map's base is not known.
     */
    public static java.util.OptionalLong directMapPages(Kernel k) {
        var base = k.memory().layout().pageOffset();
        if (base.isEmpty() || !Access.hasSymbol(k, "high_memory")) return java.util.OptionalLong.empty();
        long high = k.memory().u64(Access.symbol(k, "high_memory"));
        long bytes = high - base.get().address();
        if (bytes <= 0) return java.util.OptionalLong.empty();
        return java.util.OptionalLong.of(bytes / k.memory().physical().pageSize());
    }

    private static long atomicLong(Kernel k, String symbol) {
        return k.memory().u64(Access.symbol(k, symbol));
    }

    private static long stat(Kernel k, String array, OptionalLong index) {
        if (index.isEmpty() || !Access.hasSymbol(k, array)) return 0;
        return Math.max(0, k.memory().u64(Access.symbol(k, array) + 8 * index.getAsLong()));
    }
}
