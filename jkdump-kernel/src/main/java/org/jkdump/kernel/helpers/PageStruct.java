package org.jkdump.kernel.helpers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.Kernel;

/**
 * One physical page's {@code struct page} as crash's {@code vtop} and {@code kmem -p} show it:
 * where it sits in vmemmap, and its flags, mapping and reference count. The layout comes from
 * VMCOREINFO ({@code SIZE(page)}, {@code OFFSET(page.flags|mapping|_refcount)}); flag names
 * from its {@code NUMBER(PG_*)} entries (VMCOREINFO lists only the flags makedumpfile filters
 * on, so a bit it does not name stays unnamed).
 *
 * @param address  the {@code struct page}'s virtual address (vmemmap + pfn * SIZE(page))
 * @param physical the page's physical address
 * @param flags    {@code page->flags}: page flags in the low bits, section/node/zone above
 * @param mapping  {@code page->mapping}
 * @param index    {@code page->index}, when the layout names it
 * @param refcount {@code page->_refcount}
 * @param flagNames the flag bits set that VMCOREINFO names, lowest bit first, in crash's lower case
 */
public record PageStruct(long address, long physical, long flags, long mapping, OptionalLong index, int refcount,
                         List<String> flagNames) {
    /**
     * The SIZE(page) values believed: 64 bytes on x86-64, 80 with some debug options. Readers
     * size loops and buffers by it, so anything outside means a corrupt VMCOREINFO.
     */
    public static final long MIN_SIZE = 16, MAX_SIZE = 1024;

    public PageStruct {
        flagNames = List.copyOf(flagNames);
    }

    /**
     * The {@code struct page} of the page holding physical address {@code paddr}.
     *
     * @throws JkdumpException when vmemmap's base or the page layout is unknown, or the
     *                         struct page is not in the dump
     */
    public static PageStruct of(Kernel kernel, long paddr) {
        var info = kernel.vmcoreinfo();
        var vmemmap = kernel.memory().layout().vmemmap()
                .orElseThrow(() -> new JkdumpException("cannot locate struct page for physical 0x%x: vmemmap's base is unknown".formatted(paddr)));
        long size = need(info.size("page"), "SIZE(page)");
        long pageSize = kernel.memory().physical().pageSize();  // checked by the format layer, unlike PAGESIZE
        long pfn = paddr / pageSize;
        long page = vmemmap.address() + pfn * size;
        var mem = kernel.memory();
        long flags = mem.u64(page + need(info.offset("page", "flags"), "OFFSET(page.flags)"));
        long mapping = mem.u64(page + need(info.offset("page", "mapping"), "OFFSET(page.mapping)"));
        int refcount = mem.s32(page + need(info.offset("page", "_refcount"), "OFFSET(page._refcount)"));
        var indexOffset = info.offset("page", "index").isPresent() ? info.offset("page", "index") : btfOffset(kernel, "index");
        OptionalLong index = indexOffset.isPresent() ? OptionalLong.of(mem.u64(page + indexOffset.getAsLong())) : OptionalLong.empty();
        var known = btfFlags(kernel);
        return new PageStruct(page, pfn * pageSize, flags, mapping, index, refcount, names(known.isEmpty() ? knownFlags(info) : known, flags));
    }

    /** VMCOREINFO leaves page.index out since 6.x; the kernel's BTF has it. */
    private static OptionalLong btfOffset(Kernel kernel, String member) {
        try {
            var types = kernel.types();
            var loc = types.findMember(types.struct("page"), member);
            return loc.isPresent() ? OptionalLong.of(loc.get().byteOffset()) : OptionalLong.empty();
        } catch (JkdumpException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Every page flag, from BTF's {@code enum pageflags} (VMCOREINFO names only a few): the
     * first name declared for a bit wins, as aliases (PG_checked, PG_swapcache, PG_readahead)
     * come after the flags they share a bit with. Empty without BTF.
     */
    static Map<Integer, String> btfFlags(Kernel kernel) {
        var bits = new TreeMap<Integer, String>();
        try {
            if (kernel.types().find("enum pageflags").orElse(null) instanceof org.jkdump.kernel.btf.BtfType.Enum e)
                for (var v : e.values())
                    if (v.name().startsWith("PG_") && v.value() >= 0 && v.value() < 64) bits.putIfAbsent((int) v.value(), v.name().substring(3));
        } catch (JkdumpException ex) {
            return Map.of();
        }
        return bits;
    }

    /** The bit numbers VMCOREINFO gives for page flags ({@code NUMBER(PG_lru)=4} and, as a mask, PG_head). */
    public static Map<Integer, String> knownFlags(VmcoreInfo info) {
        var bits = new TreeMap<Integer, String>();
        for (var key : info.entries().keySet()) {
            if (!key.startsWith("NUMBER(PG_") || !key.endsWith(")")) continue;
            var name = key.substring("NUMBER(PG_".length(), key.length() - 1);
            long v = info.number("PG_" + name).orElse(-1);
            if (name.endsWith("_mask")) {
                // PG_head_mask: 1UL << PG_head
                if (Long.bitCount(v) == 1) bits.putIfAbsent(Long.numberOfTrailingZeros(v), name.substring(0, name.length() - 5));
            } else if (name.equals("swapcache")) {
                // PG_swapcache is PG_owner_priv_1's second name, meaningful only with swapbacked: not a bit of its own
                continue;
            } else if (v >= 0 && v < 64) {
                bits.putIfAbsent((int) v, name);
            }
        }
        return bits;
    }

    private static List<String> names(Map<Integer, String> known, long flags) {
        var out = new ArrayList<String>();
        for (var e : known.entrySet())
            if ((flags & (1L << e.getKey())) != 0) out.add(e.getValue());
        return out;
    }

    private static long need(OptionalLong v, String what) {
        if (v.isEmpty()) throw new JkdumpException("the dump's VMCOREINFO has no " + what + ": cannot read struct page");
        return v.getAsLong();
    }
}
