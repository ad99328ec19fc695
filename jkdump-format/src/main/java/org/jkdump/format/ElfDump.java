package org.jkdump.format;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.LongStream;

/**
 * An ELF64 core dump (ET_CORE, EM_X86_64): /proc/vmcore as the kernel builds it, a copy of
 * it, makedumpfile -E output or QEMU's dump-guest-memory. Memory comes from PT_LOAD
 * segments by physical address ({@code p_filesz < p_memsz} marks an excluded tail); notes
 * from every PT_NOTE. Section headers may come before the program headers (QEMU) and the
 * program header count may overflow into section header 0 (PN_XNUM). In a dump marked
 * incomplete in {@code e_flags}, segment data past the end of the file is lost, not an error.
 */
public final class ElfDump implements DumpFile {
    // Elf64_Ehdr (include/uapi/linux/elf.h)
    static final int E_TYPE = 16, E_MACHINE = 18, E_VERSION = 20, E_PHOFF = 32, E_SHOFF = 40, E_FLAGS = 48,
            E_EHSIZE = 52, E_PHENTSIZE = 54, E_PHNUM = 56, E_SHENTSIZE = 58, E_SHNUM = 60, E_SHSTRNDX = 62,
            EHDR_SIZE = 64;
    // Elf64_Phdr
    static final int P_TYPE = 0, P_FLAGS = 4, P_OFFSET = 8, P_VADDR = 16, P_PADDR = 24, P_FILESZ = 32, P_MEMSZ = 40,
            P_ALIGN = 48, PHDR_SIZE = 56;
    // Elf64_Shdr: sh_info of section 0 holds the real e_phnum when e_phnum == PN_XNUM
    static final int SH_INFO = 44, SHDR_SIZE = 64;
    static final int PT_LOAD = 1, PT_NOTE = 4, ET_CORE = 4, EM_X86_64 = 62, PN_XNUM = 0xffff;
    /** makedumpfile's DUMP_ELF_INCOMPLETE in e_flags: the dump was cut short (ENOSPC, EIO). */
    public static final int DUMP_ELF_INCOMPLETE = 0x1;
    /** Far more than any machine's memory map needs; more means a corrupt header. */
    private static final long MAX_PHNUM = 1 << 22;
    /** x86-64 physical addresses have at most 52 bits (MAXPHYADDR). */
    private static final long MAX_PHYSICAL = 1L << 52;

    /** One PT_LOAD as the file states it: physical range [paddr, paddr+memSize), file bytes for the first fileSize. */
    public record Segment(long offset, long vaddr, long paddr, long fileSize, long memSize) {
    }

    private final DumpSource source;
    private final int flags;
    private final List<Segment> segments;
    private final List<ElfNote> notes;
    private final Optional<VmcoreInfo> vmcoreinfo;
    private final ElfMemory memory;

    private ElfDump(DumpSource source, int flags, List<Segment> segments, List<ElfNote> notes, Optional<VmcoreInfo> vmcoreinfo,
                    int pageSize) {
        this.source = source;
        this.flags = flags;
        this.segments = segments;
        this.notes = notes;
        this.vmcoreinfo = vmcoreinfo;
        this.memory = new ElfMemory(source, segments, pageSize);
    }

    /** Reads the headers and notes of an ELF core in {@code source}; the source is owned by the dump. */
    public static ElfDump open(DumpSource source) {
        if (source.size() < EHDR_SIZE)
            throw source.malformed(0, "file of %d bytes ends inside the %d-byte ELF header", source.size(), EHDR_SIZE);
        source.expect(0, "\177ELF");
        if (source.u8(4) != 2) throw source.malformed(4, "EI_CLASS %d is not ELFCLASS64", source.u8(4));
        if (source.u8(5) != 1) throw source.malformed(5, "EI_DATA %d is not little-endian (only x86-64 dumps are read)", source.u8(5));
        if (source.u16(E_TYPE) != ET_CORE) throw source.malformed(E_TYPE, "e_type %d is not ET_CORE (4): not a core dump", source.u16(E_TYPE));
        if (source.u16(E_MACHINE) != EM_X86_64) throw source.malformed(E_MACHINE, "e_machine %d is not EM_X86_64 (62)", source.u16(E_MACHINE));
        int flags = source.i32(E_FLAGS);
        boolean incomplete = (flags & DUMP_ELF_INCOMPLETE) != 0;
        long phoff = source.u64(E_PHOFF);
        int phentsize = source.u16(E_PHENTSIZE);
        long phnum = source.u16(E_PHNUM);
        if (phnum == PN_XNUM) {
            // QEMU and the kernel's own core dumps: the count lives in section header 0's sh_info.
            long shoff = source.u64(E_SHOFF);
            if (shoff == 0)
                throw source.malformed(E_PHNUM, "e_phnum is PN_XNUM but e_shoff is 0: no section header 0 holds the count");
            if (source.u16(E_SHENTSIZE) < SHDR_SIZE)
                throw source.malformed(E_SHENTSIZE, "e_phnum is PN_XNUM but e_shentsize %d is smaller than an Elf64_Shdr (%d)",
                        source.u16(E_SHENTSIZE), SHDR_SIZE);
            source.checkRange(shoff, SHDR_SIZE, "section header 0 (holding the PN_XNUM program header count)");
            phnum = source.u32(shoff + SH_INFO);
        }
        if (phentsize != PHDR_SIZE) throw source.malformed(E_PHENTSIZE, "e_phentsize %d is not %d", phentsize, PHDR_SIZE);
        if (phnum > MAX_PHNUM) throw source.malformed(E_PHNUM, "%d program headers is absurd", phnum);
        source.checkRange(phoff, phnum * PHDR_SIZE, "program header table (" + phnum + " entries)");
        var segments = new ArrayList<Segment>();
        var notes = new ArrayList<ElfNote>();
        Optional<VmcoreInfo> vmcoreinfo = Optional.empty();
        for (long i = 0; i < phnum; i++) {
            long ph = phoff + i * PHDR_SIZE;
            long type = source.u32(ph + P_TYPE);
            long off = source.u64(ph + P_OFFSET), filesz = source.u64(ph + P_FILESZ);
            if (type == PT_NOTE) {
                if (filesz < 0 || filesz > ElfNotes.MAX_NOTE_BYTES * 4L)
                    throw source.malformed(ph + P_FILESZ, "PT_NOTE %d: p_filesz %s is absurd", i, Long.toUnsignedString(filesz));
                source.checkRange(off, filesz, "PT_NOTE segment " + i);
                notes.addAll(ElfNotes.parse(source, off, filesz));
                if (vmcoreinfo.isEmpty()) vmcoreinfo = ElfNotes.vmcoreinfo(source, off, filesz);
            } else if (type == PT_LOAD) {
                long memsz = source.u64(ph + P_MEMSZ), paddr = source.u64(ph + P_PADDR);
                if (Long.compareUnsigned(filesz, memsz) > 0)
                    throw source.malformed(ph + P_FILESZ, "PT_LOAD %d: p_filesz 0x%x exceeds p_memsz 0x%x", i, filesz, memsz);
                if (paddr < 0 || memsz < 0 || paddr + memsz < paddr || paddr + memsz > MAX_PHYSICAL)
                    throw source.malformed(ph + P_PADDR, "PT_LOAD %d: [0x%x, +0x%x) is outside the physical address space (52 bits on x86-64)",
                            i, paddr, memsz);
                if (filesz > 0 && (off < 0 || off > source.size() || filesz > source.size() - off)) {
                    if (!incomplete || off < 0)
                        throw source.malformed(ph + P_OFFSET, "PT_LOAD %d data (0x%x bytes at 0x%x) extends past the end of the file (%d bytes)",
                                i, filesz, off, source.size());
                }
                segments.add(new Segment(off, source.u64(ph + P_VADDR), paddr, filesz, memsz));
            }
        }
        int pageSize = pageSize(vmcoreinfo);
        return new ElfDump(source, flags, List.copyOf(segments), List.copyOf(notes), vmcoreinfo, pageSize);
    }

    /** The ELF has no page size field: VMCOREINFO's PAGESIZE says it, x86-64's 4 KiB otherwise. */
    private static int pageSize(Optional<VmcoreInfo> vmcoreinfo) {
        try {
            long ps = vmcoreinfo.flatMap(v -> v.pageSize().isPresent() ? Optional.of(v.pageSize().getAsLong()) : Optional.empty()).orElse(4096L);
            return ps >= 512 && ps <= KdumpHeader.MAX_BLOCK_SIZE && Long.bitCount(ps) == 1 ? (int) ps : 4096;
        } catch (JkdumpException e) {
            return 4096;  // an unparsable PAGESIZE line; the x86-64 page size is right anyway
        }
    }

    public List<Segment> segments() {
        return segments;
    }

    public boolean incomplete() {
        return (flags & DUMP_ELF_INCOMPLETE) != 0;
    }

    /** The raw {@code e_flags}. */
    public int elfFlags() {
        return flags;
    }

    @Override
    public String name() {
        return source.name();
    }

    @Override
    public DumpFormat format() {
        return DumpFormat.ELF;
    }

    @Override
    public PhysicalMemory memory() {
        return memory;
    }

    @Override
    public Optional<VmcoreInfo> vmcoreinfo() {
        return vmcoreinfo;
    }

    @Override
    public List<CpuState> cpuStates() {
        return ElfNotes.cpuStates(notes, name());
    }

    @Override
    public List<ElfNote> notes() {
        return notes;
    }

    @Override
    public DumpDescription describe() {
        boolean qemu = notes.stream().anyMatch(n -> n.name().equals("QEMU"));
        boolean filtered = segments.stream().anyMatch(s -> s.fileSize() < s.memSize());
        String producer = qemu ? "QEMU dump-guest-memory"
                : filtered ? "makedumpfile -E (or a compatible writer)"
                : "kernel /proc/vmcore (or a copy of it)";
        var flagNames = new ArrayList<String>();
        if (incomplete()) flagNames.add("INCOMPLETE");
        if ((flags & ~DUMP_ELF_INCOMPLETE) != 0) flagNames.add(String.format("e_flags 0x%x", flags & ~DUMP_ELF_INCOMPLETE));
        return new DumpDescription(name(), DumpFormat.ELF, producer, OptionalInt.empty(), flagNames, incomplete(), "none",
                OptionalInt.empty(), source.size(), memory.ranges());
    }

    @Override
    public void close() {
        source.close();
    }

    /**
     * Physical memory of an ELF core: PT_LOAD file data looked up by physical address. Segments
     * may overlap (/proc/vmcore maps the kernel text twice: once at its own PT_LOAD and once in
     * the RAM segment around it); a frame counts once.
     */
    static final class ElfMemory implements PhysicalMemory {
        /** A segment with the file data actually there: {@code dataSize} bytes of data, lost up to {@code fileSize}. */
        private record Load(long offset, long paddr, long dataSize, long fileSize, long memSize) {
            long dataEnd() {
                return paddr + dataSize;
            }
        }

        private final DumpSource source;
        private final Load[] byAddress;  // sorted by paddr
        private final long[] presentStart, presentEnd;  // merged present pfn intervals [start, end)
        private final long[] describedStart, describedEnd;
        private final long[] lostStart, lostEnd;
        private final int pageSize;

        ElfMemory(DumpSource source, List<Segment> segments, int pageSize) {
            this.source = source;
            this.pageSize = pageSize;
            var loads = new ArrayList<Load>();
            for (var s : segments) {
                long avail = s.fileSize() == 0 ? 0 : Math.max(0, Math.min(s.fileSize(), source.size() - s.offset()));
                // A page cut by the end of an incomplete file is lost as a whole.
                if (avail < s.fileSize()) avail = Math.max(0, (s.paddr() + avail) / pageSize * pageSize - s.paddr());
                loads.add(new Load(s.offset(), s.paddr(), avail, s.fileSize(), s.memSize()));
            }
            this.byAddress = loads.stream().sorted(Comparator.comparingLong(Load::paddr)).toArray(Load[]::new);
            long[][] present = merge(loads.stream().map(l -> new long[]{
                    l.paddr() / pageSize, ceilDiv(l.paddr() + l.dataSize(), pageSize)}).toList());
            presentStart = present[0];
            presentEnd = present[1];
            long[][] described = merge(loads.stream().map(l -> new long[]{
                    l.paddr() / pageSize, ceilDiv(l.paddr() + l.memSize(), pageSize)}).toList());
            describedStart = described[0];
            describedEnd = described[1];
            long[][] lost = merge(loads.stream().filter(l -> l.dataSize() < l.fileSize()).map(l -> new long[]{
                    ceilDiv(l.paddr() + l.dataSize(), pageSize), ceilDiv(l.paddr() + l.fileSize(), pageSize)}).toList());
            lostStart = lost[0];
            lostEnd = lost[1];
        }

        private static long ceilDiv(long a, int b) {
            return Long.divideUnsigned(a + b - 1, b);
        }

        private static long[][] merge(List<long[]> intervals) {
            var sorted = intervals.stream().filter(iv -> iv[1] > iv[0]).sorted(Comparator.comparingLong(iv -> iv[0])).toList();
            var starts = new ArrayList<Long>();
            var ends = new ArrayList<Long>();
            for (var iv : sorted) {
                if (!ends.isEmpty() && iv[0] <= ends.getLast()) {
                    ends.set(ends.size() - 1, Math.max(ends.getLast(), iv[1]));
                } else {
                    starts.add(iv[0]);
                    ends.add(iv[1]);
                }
            }
            return new long[][]{starts.stream().mapToLong(Long::longValue).toArray(), ends.stream().mapToLong(Long::longValue).toArray()};
        }

        private static boolean inIntervals(long[] starts, long[] ends, long pfn) {
            int i = Arrays.binarySearch(starts, pfn);
            if (i < 0) i = -i - 2;
            return i >= 0 && pfn < ends[i];
        }

        /** Frames of [from, to) inside the intervals. */
        private static long overlap(long[] starts, long[] ends, long from, long to) {
            long n = 0;
            for (int i = 0; i < starts.length; i++) n += Math.max(0, Math.min(to, ends[i]) - Math.max(from, starts[i]));
            return n;
        }

        /** The described ranges, merged, with their present and excluded frame counts. */
        List<MemoryRange> ranges() {
            var ranges = new ArrayList<MemoryRange>();
            for (int i = 0; i < describedStart.length; i++) {
                long s = describedStart[i], e = describedEnd[i];
                long present = overlap(presentStart, presentEnd, s, e), lost = overlap(lostStart, lostEnd, s, e);
                ranges.add(new MemoryRange(s * pageSize, e * pageSize, present, Math.max(0, e - s - present - lost)));
            }
            return ranges;
        }

        @Override
        public int pageSize() {
            return pageSize;
        }

        @Override
        public long maxPfn() {
            return describedEnd.length == 0 ? 0 : describedEnd[describedEnd.length - 1];
        }

        @Override
        public boolean isPresent(long pfn) {
            return inIntervals(presentStart, presentEnd, pfn);
        }

        @Override
        public LongStream presentFrames() {
            return LongStream.range(0, presentStart.length).flatMap(i -> LongStream.range(presentStart[(int) i], presentEnd[(int) i]));
        }

        @Override
        public long presentCount() {
            long n = 0;
            for (int i = 0; i < presentStart.length; i++) n += presentEnd[i] - presentStart[i];
            return n;
        }

        @Override
        public MissingPageException.Reason missingReason(long pfn) {
            if (inIntervals(lostStart, lostEnd, pfn) && !isPresent(pfn)) return MissingPageException.Reason.LOST;
            return inIntervals(describedStart, describedEnd, pfn) ? MissingPageException.Reason.EXCLUDED
                    : MissingPageException.Reason.NOT_IN_DUMP;
        }

        @Override
        public String name() {
            return source.name();
        }

        @Override
        public void readPage(long pfn, byte[] dst, int dstOff) {
            if (pfn < 0 || pfn > Long.MAX_VALUE / pageSize)
                throw new MissingPageException(name(), pfn * pageSize, MissingPageException.Reason.NOT_IN_DUMP);
            read(pfn * pageSize, dst, dstOff, pageSize);
        }

        /** Reads straight from the segments, so a read never needs a page-sized bounce buffer. */
        @Override
        public void read(long paddr, byte[] dst, int dstOff, int len) {
            while (len > 0) {
                var seg = segmentWithData(paddr);
                if (seg == null) {
                    long pfn = Long.divideUnsigned(paddr, pageSize);
                    // A page partly covered by file data reads as zeros where no segment has bytes.
                    if (!isPresent(pfn)) throw new MissingPageException(name(), paddr, missingReason(pfn));
                    long next = nextDataStart(paddr);
                    int n = (int) Math.min(len, Math.min(next - paddr, pageSize - Long.remainderUnsigned(paddr, pageSize)));
                    Arrays.fill(dst, dstOff, dstOff + n, (byte) 0);
                    paddr += n;
                    dstOff += n;
                    len -= n;
                    continue;
                }
                int n = (int) Math.min(len, seg.dataEnd() - paddr);
                source.read(seg.offset() + (paddr - seg.paddr()), dst, dstOff, n);
                paddr += n;
                dstOff += n;
                len -= n;
            }
        }

        private Load segmentWithData(long paddr) {
            int lo = 0, hi = byAddress.length - 1, last = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (Long.compareUnsigned(byAddress[mid].paddr(), paddr) <= 0) {
                    last = mid;
                    lo = mid + 1;
                } else hi = mid - 1;
            }
            // Segments may overlap (the kernel-text PT_LOAD lies inside a RAM one): look back.
            for (int i = last; i >= 0; i--) {
                var s = byAddress[i];
                if (Long.compareUnsigned(paddr, s.dataEnd()) < 0) return s;
            }
            return null;
        }

        private long nextDataStart(long paddr) {
            int lo = 0, hi = byAddress.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (Long.compareUnsigned(byAddress[mid].paddr(), paddr) <= 0) lo = mid + 1;
                else hi = mid;
            }
            for (int i = lo; i < byAddress.length; i++)
                if (byAddress[i].dataSize() > 0) return byAddress[i].paddr();
            return Long.MAX_VALUE;
        }
    }
}
