package org.jkdump.cli.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.jkdump.format.DumpFile;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.ElfDump;
import org.jkdump.format.FlattenedSource;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.KdumpDump;
import org.jkdump.format.PageDescriptor;
import org.jkdump.kernel.Kernel;

/**
 * Where the parts of one real dump file are, found by reading it with jkdump's own readers
 * (a fixture is known good): its regions (headers, notes, bitmaps, page descriptors, page
 * data), its header fields with their widths, the VMCOREINFO lines, and the kernel data the
 * analysis reads (kallsyms, BTF, the printk ring, tasks, page tables ...) as physical
 * addresses, one level of pointers deep. {@link DumpMutator} damages exactly these.
 */
public final class FixtureLayout {
    /** A byte range of the file. */
    public record Region(String name, long start, long length) {
    }

    /** A header field: {@code width} bytes at {@code offset}, big-endian in a flattened stream's records. */
    public record Field(String name, long offset, int width, boolean bigEndian) {
    }

    /** A VMCOREINFO line's value: {@code length} bytes at each of {@code offsets} (kdump files hold two copies). */
    public record InfoValue(String key, String value, long[] offsets) {
    }

    /** Kernel data the analysis reads: {@code span} bytes at physical address {@code paddr}, virtual {@code vaddr}. */
    public record Target(String name, long vaddr, long paddr, int span) {
    }

    final String name;
    final Path path;
    final long size;
    final String format;
    final List<Region> regions = new ArrayList<>();
    final List<Field> fields = new ArrayList<>();
    final List<InfoValue> info = new ArrayList<>();
    final List<Target> targets = new ArrayList<>();
    /** Counts, sizes, pointers and list links of the kernel's own structures ({@code span} is the field's width). */
    final List<Target> kernelFields = new ArrayList<>();
    // kdump: present frames in descriptor order, the table's offset, the page size
    long[] frames = new long[0];
    long descriptorOffset;
    int pageSize = 4096;
    // ELF: the PT_LOAD segments, to map a physical address to its file offsets
    List<ElfDump.Segment> segments = List.of();

    /** Kernel symbols whose data the commands read (kallsyms, BTF, log, tasks, memory model, modules). */
    static final List<String> KERNEL_SYMBOLS = List.of("kallsyms_num_syms", "kallsyms_names", "kallsyms_token_table",
            "kallsyms_token_index", "kallsyms_offsets", "kallsyms_relative_base", "__start_BTF", "prb", "printk_rb_static",
            "init_task", "init_uts_ns", "__per_cpu_offset", "modules", "init_top_pgt", "runqueues", "jiffies", "tainted_mask",
            "vmemmap_base", "page_offset_base", "mem_section", "node_data", "vm_zone_stat", "vm_node_stat", "totalram_pages",
            "panic_cpu", "crash_notes", "init_mm", "cpu_online_mask", "__cpu_online_mask", "__orc_unwind_ip", "__orc_unwind",
            "orc_lookup", "slab_caches", "linux_banner", "timekeeper", "tk_core", "avenrun", "nr_threads", "kernel_stack");
    /** Tables read whole: a larger span than one structure. */
    static final List<String> TABLES = List.of("kallsyms_names", "kallsyms_token_table", "kallsyms_offsets", "__start_BTF",
            "__orc_unwind_ip", "__orc_unwind", "orc_lookup", "linux_banner");

    private FixtureLayout(String name, Path path, long size, String format) {
        this.name = name;
        this.path = path;
        this.size = size;
        this.format = format;
    }

    /** Reads {@code path} (a known-good dump) and records where its parts are. */
    public static FixtureLayout of(String name, Path path) {
        try (var dump = DumpFiles.open(path); var ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            var l = new FixtureLayout(name, path, size, switch (dump) {
                case KdumpDump k -> "kdump";
                case ElfDump e -> "elf";
                default -> "flat";
            });
            switch (dump) {
                case KdumpDump k -> l.kdump(k);
                case ElfDump e -> l.elf(e, ch);
                default -> l.flat(ch);
            }
            l.vmcoreinfo(dump, ch);
            if (!l.format.equals("flat")) l.kernel(dump);
            return l;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void kdump(KdumpDump k) {
        var h = k.header();
        var sub = k.subHeader();
        int bs = h.blockSize();
        pageSize = bs;
        regions.add(new Region("disk_dump_header", 0, 464));
        regions.add(new Region("kdump_sub_header", bs, 104));
        if (sub.hasNotes()) regions.add(new Region("ELF notes", sub.offsetNote(), sub.sizeNote()));
        if (sub.hasVmcoreinfo()) regions.add(new Region("VMCOREINFO", sub.offsetVmcoreinfo(), sub.sizeVmcoreinfo()));
        regions.add(new Region("bitmaps", h.bitmapOffset(), h.bitmapBytes()));
        frames = k.memory().presentFrames().toArray();
        descriptorOffset = h.descriptorOffset();
        regions.add(new Region("page descriptors", descriptorOffset, (long) frames.length * PageDescriptor.SIZE));
        long dataStart = descriptorOffset + (long) frames.length * PageDescriptor.SIZE;
        regions.add(new Region("page data", dataStart, size - dataStart));
        String[] names = {"header_version", "status", "block_size", "sub_hdr_size", "bitmap_blocks", "max_mapnr", "total_ram_blocks",
                "device_blocks", "written_blocks", "current_cpu", "nr_cpus"};
        int[] offsets = {8, 424, 428, 432, 436, 440, 444, 448, 452, 456, 460};
        for (int i = 0; i < names.length; i++) fields.add(new Field(names[i], offsets[i], 4, false));
        String[] subNames = {"phys_base", "dump_level", "split", "start_pfn", "end_pfn", "offset_vmcoreinfo", "size_vmcoreinfo",
                "offset_note", "size_note", "offset_eraseinfo", "size_eraseinfo", "start_pfn_64", "end_pfn_64", "max_mapnr_64"};
        int[] subOffsets = {0, 8, 12, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96};
        for (int i = 0; i < subNames.length; i++)
            fields.add(new Field(subNames[i], bs + subOffsets[i], subNames[i].equals("dump_level") || subNames[i].equals("split") ? 4 : 8, false));
        if (sub.hasNotes()) noteFields(k.notes().size(), sub.offsetNote(), sub.offsetNote() + sub.sizeNote(), this::u32k);
    }

    // the kdump file's bytes are read through a fresh channel only for the note walk
    private long u32k(long offset) {
        try (var ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return u32(ch, offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void noteFields(int count, long start, long end, java.util.function.LongUnaryOperator u32) {
        long pos = start;
        for (int i = 0; i < count && pos + 12 <= end; i++) {
            long namesz = u32.applyAsLong(pos), descsz = u32.applyAsLong(pos + 4);
            fields.add(new Field("note " + i + " n_namesz", pos, 4, false));
            fields.add(new Field("note " + i + " n_descsz", pos + 4, 4, false));
            fields.add(new Field("note " + i + " n_type", pos + 8, 4, false));
            regions.add(new Region("note " + i, pos, 12 + align4(namesz) + align4(descsz)));
            pos += 12 + align4(namesz) + align4(descsz);
        }
    }

    private static long align4(long n) {
        return (n + 3) & ~3L;
    }

    private void elf(ElfDump e, FileChannel ch) throws IOException {
        segments = e.segments();
        regions.add(new Region("Elf64_Ehdr", 0, 64));
        long phoff = u64(ch, 32);
        int phnum = (int) (u32(ch, 56) & 0xffff);
        regions.add(new Region("program headers", phoff, 56L * phnum));
        for (var f : new Object[][]{{"e_phoff", 32, 8}, {"e_shoff", 40, 8}, {"e_flags", 48, 4}, {"e_phentsize", 54, 2},
                {"e_phnum", 56, 2}, {"e_shentsize", 58, 2}, {"e_shnum", 60, 2}})
            fields.add(new Field((String) f[0], (Integer) f[1], (Integer) f[2], false));
        long firstData = size;
        for (int i = 0; i < phnum; i++) {
            long ph = phoff + 56L * i;
            long type = u32(ch, ph), off = u64(ch, ph + 8), filesz = u64(ch, ph + 32);
            for (var f : new Object[][]{{"p_type", 0, 4}, {"p_offset", 8, 8}, {"p_vaddr", 16, 8}, {"p_paddr", 24, 8},
                    {"p_filesz", 32, 8}, {"p_memsz", 40, 8}})
                fields.add(new Field("phdr " + i + " " + f[0], ph + (Integer) f[1], (Integer) f[2], false));
            if (type == 4) {
                regions.add(new Region("PT_NOTE " + i, off, filesz));
                final var c = ch;
                noteFields(64, off, off + filesz, o -> {
                    try {
                        return u32(c, o);
                    } catch (IOException x) {
                        throw new UncheckedIOException(x);
                    }
                });
            } else if (type == 1 && filesz > 0) {
                firstData = Math.min(firstData, off);
                regions.add(new Region("PT_LOAD " + i + " data", off, filesz));
            }
        }
    }

    private void flat(FileChannel ch) throws IOException {
        regions.add(new Region("makedumpfile_header", 0, FlattenedSource.HEADER_SIZE));
        fields.add(new Field("flat type", 16, 8, true));
        fields.add(new Field("flat version", 24, 8, true));
        long pos = FlattenedSource.HEADER_SIZE;
        int i = 0;
        var bb = ByteBuffer.allocate(16);
        while (pos + 16 <= size) {
            bb.clear();
            ch.read(bb, pos);
            long off = bb.getLong(0), len = bb.getLong(8);
            if (off == -1) {
                regions.add(new Region("end record", pos, 16));
                break;
            }
            // every record of the headers, then a sample of the page records
            if (i < 8 || i % 97 == 0) {
                fields.add(new Field("record " + i + " offset", pos, 8, true));
                fields.add(new Field("record " + i + " size", pos + 8, 8, true));
                regions.add(new Region("record " + i, pos, 16 + len));
            }
            pos += 16 + len;
            i++;
        }
    }

    /** Finds every copy of the VMCOREINFO text in the file's first megabytes and records its values. */
    private void vmcoreinfo(DumpFile dump, FileChannel ch) throws IOException {
        var vi = dump.vmcoreinfo();
        if (vi.isEmpty()) return;
        String text = vi.get().text();
        byte[] head = new byte[(int) Math.min(size, 8 << 20)];
        ch.read(ByteBuffer.wrap(head), 0);
        byte[] probe = text.substring(0, Math.min(64, text.length())).getBytes(StandardCharsets.ISO_8859_1);
        var starts = new ArrayList<Long>();
        for (int i = 0; i + probe.length <= head.length; i++)
            if (head[i] == probe[0] && Arrays.equals(head, i, i + probe.length, probe, 0, probe.length)) starts.add((long) i);
        if (starts.isEmpty()) return;
        int pos = 0;
        for (var line : text.split("\n", -1)) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.length() > eq + 1) {
                int at = pos + eq + 1;
                info.add(new InfoValue(line.substring(0, eq), line.substring(eq + 1),
                        starts.stream().mapToLong(s -> s + at).toArray()));
            }
            pos += line.length() + 1;
        }
    }

    /** The kernel data the commands read, through the dump's own kallsyms. */
    private void kernel(DumpFile dump) {
        Kernel kernel;
        try {
            kernel = Kernel.open(dump);
            kernel.symbols();
        } catch (JkdumpException e) {
            return;
        }
        var mem = kernel.memory();
        for (var s : KERNEL_SYMBOLS) {
            OptionalLong a = address(kernel, s);
            if (a.isEmpty()) continue;
            long vaddr = a.getAsLong();
            int span = TABLES.contains(s) ? 1 << 16 : 512;
            if (s.equals("kernel_stack") || s.equals("runqueues")) span = 4096;
            addTarget(s, vaddr, span, kernel);
            // one level of pointers: the structures the variable leads to
            int found = 0;
            for (int off = 0; off + 8 <= Math.min(span, 512) && found < 6; off += 8) {
                long p;
                try {
                    p = mem.u64(vaddr + off);
                } catch (JkdumpException e) {
                    break;
                }
                if (Long.compareUnsigned(p, 0xffff800000000000L) < 0 || p == -1) continue;
                if (addTarget("*(" + s + "+" + off + ")", p, 512, kernel)) found++;
            }
        }
        kernelFields(kernel);
    }

    /**
     * The fields whose values size or steer a reader: BTF's header, the kallsyms count, the
     * printk ring's sizes, ids and arrays (offsets from VMCOREINFO), init_task's list links and
     * identity, the module list, per-cpu offsets, the memory model's bases, node spans, the
     * top-level page table (offsets from BTF).
     */
    private void kernelFields(Kernel kernel) {
        var info = kernel.vmcoreinfo();
        var mem = kernel.memory();
        address(kernel, "__start_BTF").ifPresent(a -> {
            String[] names = {"hdr_len", "type_off", "type_len", "str_off", "str_len"};
            for (int i = 0; i < names.length; i++) addField("btf_header." + names[i], a + 4 + 4L * i, 4, kernel);
        });
        address(kernel, "kallsyms_num_syms").ifPresent(a -> addField("kallsyms_num_syms", a, 4, kernel));
        address(kernel, "kallsyms_token_index").ifPresent(a -> {
            for (int i = 0; i < 256; i += 37) addField("kallsyms_token_index[" + i + "]", a + 2L * i, 2, kernel);
        });
        try {
            long prb = mem.u64(info.symbol("prb").orElseThrow());
            long desc = info.offset("printk_ringbuffer", "desc_ring").orElseThrow();
            long text = info.offset("printk_ringbuffer", "text_data_ring").orElseThrow();
            for (var m : List.of("count_bits:4", "descs:8", "infos:8", "head_id:8", "tail_id:8"))
                addField("prb.desc_ring." + m.split(":")[0], prb + desc + info.offset("prb_desc_ring", m.split(":")[0]).orElseThrow(),
                        Integer.parseInt(m.split(":")[1]), kernel);
            for (var m : List.of("size_bits:4", "data:8", "head_lpos:8", "tail_lpos:8"))
                if (info.offset("prb_data_ring", m.split(":")[0]).isPresent())
                    addField("prb.text_data_ring." + m.split(":")[0], prb + text + info.offset("prb_data_ring", m.split(":")[0]).getAsLong(),
                            Integer.parseInt(m.split(":")[1]), kernel);
        } catch (RuntimeException e) {
            // no lockless ring: nothing to damage there
        }
        try {
            var types = kernel.types();
            long task = address(kernel, "init_task").orElseThrow();
            for (var m : List.of("tasks.next:8", "tasks.prev:8", "pid:4", "tgid:4", "comm:8", "stack:8", "mm:8", "active_mm:8",
                    "group_leader:8", "thread_pid:8", "children.next:8", "sibling.next:8", "signal:8", "state:4", "__state:4", "thread.sp:8",
                    "on_cpu:4", "cpu:4"))
                if (types.hasMember("struct task_struct", m.split(":")[0]))
                    addField("init_task." + m.split(":")[0], task + types.offsetOf("struct task_struct", m.split(":")[0]),
                            Integer.parseInt(m.split(":")[1]), kernel);
            address(kernel, "modules").ifPresent(a -> {
                addField("modules.next", a, 8, kernel);
                try {
                    long first = mem.u64(a);
                    long listOff = types.offsetOf("struct module", "list");
                    for (var m : List.of("list.next:8", "name:8", "state:4", "kallsyms:8", "taints:8", "core_layout.base:8",
                            "core_layout.size:4", "mem:8", "num_syms:4"))
                        if (types.hasMember("struct module", m.split(":")[0]))
                            addField("module." + m.split(":")[0], first - listOff + types.offsetOf("struct module", m.split(":")[0]),
                                    Integer.parseInt(m.split(":")[1]), kernel);
                } catch (RuntimeException e) {
                    // no module loaded
                }
            });
            address(kernel, "node_data").ifPresent(a -> {
                try {
                    long pgdat = mem.u64(a);
                    for (var m : List.of("node_start_pfn:8", "node_spanned_pages:8", "node_present_pages:8", "nr_zones:4"))
                        if (types.hasMember("struct pglist_data", m.split(":")[0]))
                            addField("node_data[0]." + m.split(":")[0], pgdat + types.offsetOf("struct pglist_data", m.split(":")[0]),
                                    Integer.parseInt(m.split(":")[1]), kernel);
                } catch (RuntimeException e) {
                    // no NUMA node data
                }
            });
        } catch (RuntimeException e) {
            // no BTF
        }
        for (var s : List.of("__per_cpu_offset", "vmemmap_base", "page_offset_base", "vmalloc_base", "mem_section", "jiffies",
                "tainted_mask", "nr_threads", "panic_cpu", "crash_notes"))
            address(kernel, s).ifPresent(a -> addField(s, a, 8, kernel));
        address(kernel, "__per_cpu_offset").ifPresent(a -> addField("__per_cpu_offset[1]", a + 8, 8, kernel));
        address(kernel, "init_top_pgt").ifPresent(a -> {
            for (int i : new int[]{0, 273, 274, 400, 468, 510, 511}) addField("init_top_pgt[" + i + "]", a + 8L * i, 8, kernel);
        });
    }

    /** A symbol's address from the kernel's table, or from VMCOREINFO (kallsyms' own tables are only there). */
    private static OptionalLong address(Kernel kernel, String name) {
        var a = kernel.symbols().address(name);
        return a.isPresent() ? a : kernel.vmcoreinfo().symbol(name);
    }

    private void addField(String name, long vaddr, int width, Kernel kernel) {
        try {
            long paddr = kernel.memory().translate(vaddr);
            kernel.memory().physical().read(paddr, new byte[width], 0, width);
            kernelFields.add(new Target(name, vaddr, paddr, width));
        } catch (JkdumpException e) {
            // not in the dump
        }
    }

    private boolean addTarget(String name, long vaddr, int span, Kernel kernel) {
        try {
            long paddr = kernel.memory().translate(vaddr);
            kernel.memory().physical().read(paddr, new byte[1], 0, 1);
            // outside the kernel image a virtual page's neighbour need not be its physical one
            if (Long.compareUnsigned(vaddr, 0xffffffff80000000L) < 0) span = (int) Math.min(span, 4096 - (paddr & 4095));
            targets.add(new Target(name, vaddr, paddr, span));
            return true;
        } catch (JkdumpException e) {
            return false;
        }
    }

    /** The file offsets holding physical address {@code paddr} in an ELF dump (segments may overlap). */
    long[] elfOffsets(long paddr) {
        return segments.stream().filter(s -> paddr >= s.paddr() && paddr < s.paddr() + s.fileSize())
                .mapToLong(s -> s.offset() + (paddr - s.paddr())).toArray();
    }

    private static long u32(FileChannel ch, long offset) throws IOException {
        var b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(b, offset);
        return Integer.toUnsignedLong(b.getInt(0));
    }

    private static long u64(FileChannel ch, long offset) throws IOException {
        var b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(b, offset);
        return b.getLong(0);
    }

    @Override
    public String toString() {
        return "%s (%s, %d bytes): %d regions, %d fields, %d VMCOREINFO values, %d kernel targets, %d kernel fields"
                .formatted(name, format, size, regions.size(), fields.size(), info.size(), targets.size(), kernelFields.size());
    }
}
