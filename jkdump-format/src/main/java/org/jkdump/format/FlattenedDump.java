package org.jkdump.format;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A makedumpfile flattened stream ({@code makedumpfile -F ... > file}), read in place: its
 * records are indexed once ({@link FlattenedSource}) and the file they stand for is read at
 * random through that index, by the same reader as the unflattened file — a
 * {@link KdumpDump} (or an {@link ElfDump} for {@code -F -E}). No {@code makedumpfile -R} step.
 */
public final class FlattenedDump implements DumpFile {
    private final FlattenedSource source;
    private final DumpFile inner;

    private FlattenedDump(FlattenedSource source, DumpFile inner) {
        this.source = source;
        this.inner = inner;
    }

    /** Indexes the stream mapped by {@code stream} and opens the dump it holds; owns the stream. */
    public static FlattenedDump open(DumpSource stream) {
        var source = FlattenedSource.open(stream);
        var magic = new String(source.bytes(0, (int) Math.min(8, source.size())), java.nio.charset.StandardCharsets.ISO_8859_1);
        DumpFile inner;
        if (magic.startsWith("\177ELF")) inner = ElfDump.open(source);
        else if (magic.equals(KdumpHeader.KDUMP) || magic.equals(KdumpHeader.DISKDUMP)) inner = KdumpDump.open(source);
        else throw source.malformed(0, "the flattened stream holds neither a kdump-compressed file nor an ELF core (starts with \"%s\")",
                    magic.replaceAll("[^\\x20-\\x7e]", "?"));
        return new FlattenedDump(source, inner);
    }

    /** The dump the stream holds, read through the record index. */
    public DumpFile inner() {
        return inner;
    }

    /** Number of data records in the stream. */
    public int records() {
        return source.records();
    }

    @Override
    public String name() {
        return source.name();
    }

    @Override
    public DumpFormat format() {
        return DumpFormat.FLATTENED;
    }

    @Override
    public PhysicalMemory memory() {
        return inner.memory();
    }

    @Override
    public Optional<VmcoreInfo> vmcoreinfo() {
        return inner.vmcoreinfo();
    }

    @Override
    public List<CpuState> cpuStates() {
        return inner.cpuStates();
    }

    @Override
    public List<ElfNote> notes() {
        return inner.notes();
    }

    @Override
    public DumpDescription describe() {
        var d = inner.describe();
        var flags = new ArrayList<>(d.statusFlags());
        flags.add("FLATTENED(" + source.records() + " records, holds " + inner.format().text() + ")");
        return new DumpDescription(d.file(), DumpFormat.FLATTENED, d.producer() + " -F", d.headerVersion(), flags,
                d.incomplete(), d.compression(), d.dumpLevel(), source.streamSize(), d.ranges());
    }

    @Override
    public void close() {
        inner.close();
    }
}
