package org.jkdump.format;

import java.util.stream.LongStream;

/**
 * Physical memory of a kdump-compressed or diskdump file: bitmap 1 says which frames are RAM,
 * bitmap 2 which were dumped, and a dumped frame's page descriptor says where its bytes are and
 * how they are encoded. Decoded pages go through a {@link PageCache}; raw pages are read
 * straight from the source. In an INCOMPLETE dump a descriptor that was never written (offset 0)
 * or that points past the end of the file marks a lost page.
 */
final class KdumpMemory implements PhysicalMemory {
    private final DumpSource source;
    private final int pageSize;
    private final long maxMapnr;
    private final PfnBitmap ram, dumpable;
    private final DescriptorIndex index;
    private final long descriptorOffset;
    private final boolean incomplete;
    private final PageCache cache;
    private final ThreadLocal<PageDecoder> decoders = ThreadLocal.withInitial(PageDecoder::new);
    private volatile long presentCount = -1;

    KdumpMemory(DumpSource source, int pageSize, long maxMapnr, PfnBitmap ram, PfnBitmap dumpable, DescriptorIndex index,
                long descriptorOffset, boolean incomplete, long cacheBudget) {
        this.source = source;
        this.pageSize = pageSize;
        this.maxMapnr = maxMapnr;
        this.ram = ram;
        this.dumpable = dumpable;
        this.index = index;
        this.descriptorOffset = descriptorOffset;
        this.incomplete = incomplete;
        this.cache = new PageCache(pageSize, cacheBudget);
    }

    @Override
    public int pageSize() {
        return pageSize;
    }

    @Override
    public long maxPfn() {
        return maxMapnr;
    }

    @Override
    public String name() {
        return source.name();
    }

    PfnBitmap ramBitmap() {
        return ram;
    }

    PfnBitmap dumpableBitmap() {
        return dumpable;
    }

    DescriptorIndex index() {
        return index;
    }

    PageCache cache() {
        return cache;
    }

    @Override
    public boolean isPresent(long pfn) {
        return index.covers(pfn) && (!incomplete || written(pfn));
    }

    /** In an incomplete dump: whether the frame's descriptor and data made it into the file. */
    private boolean written(long pfn) {
        long at = descriptorOffset + index.indexOf(pfn) * PageDescriptor.SIZE;
        if (at + PageDescriptor.SIZE > source.size()) return false;
        var pd = PageDescriptor.read(source, at);
        return pd.offset() > 0 && pd.size() > 0 && pd.offset() <= source.size() - pd.size();
    }

    @Override
    public LongStream presentFrames() {
        var frames = dumpable.stream(index.start(), index.end());
        return incomplete ? frames.filter(this::written) : frames;
    }

    @Override
    public long presentCount() {
        long n = presentCount;
        if (n < 0) presentCount = n = incomplete ? presentFrames().count() : index.count();
        return n;
    }

    @Override
    public MissingPageException.Reason missingReason(long pfn) {
        if (pfn < 0 || pfn >= maxMapnr) return MissingPageException.Reason.NOT_IN_DUMP;
        if (!dumpable.get(pfn)) return ram.get(pfn) ? MissingPageException.Reason.EXCLUDED : MissingPageException.Reason.NOT_IN_DUMP;
        if (pfn < index.start() || pfn >= index.end()) return MissingPageException.Reason.NOT_IN_DUMP;
        return MissingPageException.Reason.LOST;
    }

    @Override
    public void readPage(long pfn, byte[] dst, int dstOff) {
        if (pfn < 0 || pfn >= maxMapnr) throw new MissingPageException(name(), pfn * pageSize, MissingPageException.Reason.NOT_IN_DUMP);
        read(pfn * pageSize, dst, dstOff, pageSize);
    }

    @Override
    public void read(long paddr, byte[] dst, int dstOff, int len) {
        while (len > 0) {
            long pfn = Long.divideUnsigned(paddr, pageSize);
            int inPage = (int) Long.remainderUnsigned(paddr, pageSize);
            int n = Math.min(len, pageSize - inPage);
            if (!index.covers(pfn)) throw new MissingPageException(name(), paddr, missingReason(pfn));
            if (!cache.copy(pfn, inPage, dst, dstOff, n)) load(pfn, paddr, inPage, dst, dstOff, n);
            paddr += n;
            dstOff += n;
            len -= n;
        }
    }

    /** Reads the frame's descriptor and data, decoding and caching a compressed page. */
    private void load(long pfn, long paddr, int inPage, byte[] dst, int dstOff, int n) {
        long at = descriptorOffset + index.indexOf(pfn) * PageDescriptor.SIZE;
        if (at + PageDescriptor.SIZE > source.size()) {
            if (incomplete) throw new MissingPageException(name(), paddr, MissingPageException.Reason.LOST);
            throw source.malformed(at, "page descriptor of pfn 0x%x lies past the end of the file (%d bytes)", pfn, source.size());
        }
        var pd = PageDescriptor.read(source, at);
        var codec = PageCodec.ofFlags(pd.flags());
        if (codec == null)
            throw source.malformed(at + 12, "page descriptor of pfn 0x%x has flags 0x%x naming more than one codec", pfn, pd.flags());
        if (pd.offset() == 0) {
            if (incomplete) throw new MissingPageException(name(), paddr, MissingPageException.Reason.LOST);
            throw source.malformed(at, "page descriptor of pfn 0x%x has offset 0 (never written), yet the dump is not marked INCOMPLETE", pfn);
        }
        if (pd.size() <= 0 || pd.size() > pageSize)
            throw source.malformed(at + 8, "page descriptor of pfn 0x%x: size %d is not between 1 and the page size %d",
                    pfn, Integer.toUnsignedLong(pd.size()), pageSize);
        if (pd.offset() < 0 || pd.offset() > source.size() - pd.size()) {
            if (incomplete && pd.offset() > 0) throw new MissingPageException(name(), paddr, MissingPageException.Reason.LOST);
            throw source.malformed(at, "page descriptor of pfn 0x%x points to %d bytes at 0x%x, past the end of the file (%d bytes)",
                    pfn, pd.size(), pd.offset(), source.size());
        }
        if (codec == PageCodec.NONE) {
            if (pd.size() != pageSize)
                throw source.malformed(at + 8, "page descriptor of pfn 0x%x: raw page of %d bytes, the page size is %d", pfn, pd.size(), pageSize);
            source.read(pd.offset() + inPage, dst, dstOff, n);
            return;
        }
        var decoder = decoders.get();
        byte[] stored = decoder.scratch(pd.size() + pageSize);
        source.read(pd.offset(), stored, 0, pd.size());
        // Decode into the tail of the scratch buffer, then keep and copy.
        byte[] page = n == pageSize ? dst : stored;
        int pageOff = n == pageSize ? dstOff : pd.size();
        try {
            decoder.decode(codec, stored, pd.size(), page, pageOff, pageSize);
        } catch (PageDecoder.Failure f) {
            throw source.malformed(pd.offset(), "page of pfn 0x%x (%s, %d bytes): %s", pfn, codec.text(), pd.size(), f.getMessage());
        }
        cache.put(pfn, page, pageOff);
        if (page != dst) System.arraycopy(page, pageOff + inPage, dst, dstOff, n);
    }
}
