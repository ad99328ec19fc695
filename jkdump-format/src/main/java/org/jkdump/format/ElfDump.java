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
 * program header count may overflow into section header 0 (PN_XNUM).
 */
public final class ElfDump implements DumpFile {
    // Elf64_Ehdr (include/uapi/linux/elf.h)
    private static final int E_TYPE = 16, E_MACHINE = 18, E_FLAGS = 48, E_PHOFF = 32, E_SHOFF = 40,
            E_PHENTSIZE = 54, E_PHNUM = 56, E_SHENTSIZE = 58, E_SHNUM = 60, EHDR_SIZE = 64;
    // Elf64_Phdr
    private static final int P_TYPE = 0, P_OFFSET = 8, P_VADDR = 16, P_PADDR = 24, P_FILESZ = 32, P_MEMSZ = 40,
            PHDR_SIZE = 56;
    // Elf64_Shdr: sh_info at 44 holds the real e_phnum when e_phnum == PN_XNUM
    private static final int SH_INFO = 44, SHDR_SIZE = 64;
    private static final int PT_LOAD = 1, PT_NOTE = 4, ET_CORE = 4, EM_X86_64 = 62, PN_XNUM = 0xffff;
    /** makedumpfile's DUMP_ELF_INCOMPLETE in e_flags: the dump was cut short (ENOSPC, EIO). */
    public static final int DUMP_ELF_INCOMPLETE = 0x1;
    /** Far more than any machine's memory map needs; more means a corrupt header. */
    private static final long MAX_PHNUM = 1 << 22;

    /** One PT_LOAD: physical range [paddr, paddr+memSize), file bytes for the first fileSize. */
    public record Segment(long offset, long vaddr, long paddr, long fileSize, long memSize) {
        long fileEnd() {
            return paddr + fileSize;
        }
    }

    private final DumpSource source;
    private final int flags;
    private final List<Segment> segments;
    private final List<ElfNote> notes;
    private final ElfMemory memory;

    private ElfDump(DumpSource source, int flags, List<Segment> segments, List<ElfNote> notes) {
        this.source = source;
        this.flags = flags;
        this.segments = segments;
        this.notes = notes;
        this.memory = new ElfMemory(source, segments, 4096);
    }

    /** Reads the headers and notes of an ELF core in {@code source}; the source is owned by the dump. */
    public static ElfDump open(DumpSource source) {
        source.checkRange(0, EHDR_SIZE, "ELF header");
        source.expect(0, "\177ELF");
        if (source.u8(4) != 2) throw source.malformed(4, "EI_CLASS %d is not ELFCLASS64", source.u8(4));
        if (source.u8(5) != 1) throw source.malformed(5, "EI_DATA %d is not little-endian (only x86-64 dumps are read)", source.u8(5));
        if (source.u16(E_TYPE) != ET_CORE) throw source.malformed(E_TYPE, "e_type %d is not ET_CORE (4): not a core dump", source.u16(E_TYPE));
        if (source.u16(E_MACHINE) != EM_X86_64) throw source.malformed(E_MACHINE, "e_machine %d is not EM_X86_64 (62)", source.u16(E_MACHINE));
        long phoff = source.u64(E_PHOFF);
        int phentsize = source.u16(E_PHENTSIZE);
        long phnum = source.u16(E_PHNUM);
        if (phnum == PN_XNUM) {
            long shoff = source.u64(E_SHOFF);
            if (shoff == 0 || source.u16(E_SHNUM) == 0 && source.u16(E_SHENTSIZE) < SHDR_SIZE)
                throw source.malformed(E_PHNUM, "e_phnum is PN_XNUM but there is no section header 0 to hold the count");
            source.checkRange(shoff, SHDR_SIZE, "section header 0");
            phnum = source.u32(shoff + SH_INFO);
        }
        if (phentsize != PHDR_SIZE) throw source.malformed(E_PHENTSIZE, "e_phentsize %d is not %d", phentsize, PHDR_SIZE);
        if (phnum > MAX_PHNUM) throw source.malformed(E_PHNUM, "%d program headers is absurd", phnum);
        source.checkRange(phoff, phnum * PHDR_SIZE, "program header table (" + phnum + " entries)");
        var segments = new ArrayList<Segment>();
        var notes = new ArrayList<ElfNote>();
        for (long i = 0; i < phnum; i++) {
            long ph = phoff + i * PHDR_SIZE;
            long type = source.u32(ph + P_TYPE);
            long off = source.u64(ph + P_OFFSET), filesz = source.u64(ph + P_FILESZ);
            if (type == PT_NOTE) {
                source.checkRange(off, filesz, "PT_NOTE segment " + i);
                notes.addAll(ElfNotes.parse(source, off, filesz));
            } else if (type == PT_LOAD) {
                long memsz = source.u64(ph + P_MEMSZ), paddr = source.u64(ph + P_PADDR);
                if (Long.compareUnsigned(filesz, memsz) > 0)
                    throw source.malformed(ph + P_FILESZ, "PT_LOAD %d: p_filesz 0x%x exceeds p_memsz 0x%x", i, filesz, memsz);
                source.checkRange(off, filesz, "PT_LOAD " + i + " data");
                if (paddr + memsz < paddr) throw source.malformed(ph + P_PADDR, "PT_LOAD %d wraps around the address space", i);
                segments.add(new Segment(off, source.u64(ph + P_VADDR), paddr, filesz, memsz));
            }
        }
        return new ElfDump(source, source.i32(E_FLAGS), List.copyOf(segments), List.copyOf(notes));
    }

    public List<Segment> segments() {
        return segments;
    }

    public boolean incomplete() {
        return (flags & DUMP_ELF_INCOMPLETE) != 0;
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
        return notes.stream().filter(ElfNote::isVmcoreInfo).findFirst().map(n -> VmcoreInfo.parse(n.desc()));
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
        int ps = memory.pageSize();
        var ranges = segments.stream()
                .map(s -> new MemoryRange(s.paddr(), s.paddr() + s.memSize(), s.fileSize() / ps, (s.memSize() - s.fileSize()) / ps))
                .toList();
        boolean qemu = notes.stream().anyMatch(n -> n.name().equals("QEMU"));
        boolean filtered = segments.stream().anyMatch(s -> s.fileSize() < s.memSize());
        String producer = qemu ? "QEMU dump-guest-memory" : filtered ? "makedumpfile (ELF)" : "kernel (/proc/vmcore or a copy)";
        return new DumpDescription(name(), DumpFormat.ELF, producer, OptionalInt.empty(),
                incomplete() ? List.of("INCOMPLETE") : List.of(), incomplete(), "none", OptionalInt.empty(),
                source.size(), ranges);
    }

    @Override
    public void close() {
        source.close();
    }

    /** Physical memory of an ELF core: PT_LOAD file data looked up by physical address. */
    static final class ElfMemory implements PhysicalMemory {
        private final DumpSource source;
        private final Segment[] byAddress;  // sorted by paddr
        private final long[] presentStart, presentEnd;  // merged present pfn intervals [start, end)
        private final long[] describedStart, describedEnd;
        private final int pageSize;

        ElfMemory(DumpSource source, List<Segment> segments, int pageSize) {
            this.source = source;
            this.pageSize = pageSize;
            this.byAddress = segments.stream().sorted(Comparator.comparingLong(Segment::paddr)).toArray(Segment[]::new);
            long[][] present = merge(segments.stream().map(s -> new long[]{
                    s.paddr() / pageSize, (s.paddr() + s.fileSize() + pageSize - 1) / pageSize}).toList());
            presentStart = present[0];
            presentEnd = present[1];
            long[][] described = merge(segments.stream().map(s -> new long[]{
                    s.paddr() / pageSize, (s.paddr() + s.memSize() + pageSize - 1) / pageSize}).toList());
            describedStart = described[0];
            describedEnd = described[1];
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
            return inIntervals(describedStart, describedEnd, pfn) ? MissingPageException.Reason.EXCLUDED
                    : MissingPageException.Reason.NOT_IN_DUMP;
        }

        @Override
        public String name() {
            return source.name();
        }

        @Override
        public void readPage(long pfn, byte[] dst, int dstOff) {
            read(pfn * pageSize, dst, dstOff, pageSize);
        }

        /** Reads straight from the segments, so a read never needs a page-sized bounce buffer. */
        @Override
        public void read(long paddr, byte[] dst, int dstOff, int len) {
            while (len > 0) {
                var seg = segmentWithData(paddr);
                if (seg == null) {
                    long pfn = paddr / pageSize;
                    // A page partly covered by file data reads as zeros where no segment has bytes.
                    if (!isPresent(pfn)) throw new MissingPageException(name(), paddr, missingReason(pfn));
                    long next = nextDataStart(paddr);
                    int n = (int) Math.min(len, Math.min(next - paddr, pageSize - paddr % pageSize));
                    Arrays.fill(dst, dstOff, dstOff + n, (byte) 0);
                    paddr += n;
                    dstOff += n;
                    len -= n;
                    continue;
                }
                int n = (int) Math.min(len, seg.fileEnd() - paddr);
                source.read(seg.offset() + (paddr - seg.paddr()), dst, dstOff, n);
                paddr += n;
                dstOff += n;
                len -= n;
            }
        }

        private Segment segmentWithData(long paddr) {
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
                if (Long.compareUnsigned(paddr, s.fileEnd()) < 0) return s;
            }
            return null;
        }

        private long nextDataStart(long paddr) {
            long best = Long.MAX_VALUE;
            for (var s : byAddress)
                if (s.paddr() > paddr && s.fileSize() > 0) best = Math.min(best, s.paddr());
            return best;
        }
    }
}
