package org.jkdump.format;

import java.util.List;
import java.util.Optional;

/**
 * An opened crash dump, whatever its format: the physical memory it holds, its VMCOREINFO,
 * the CPUs' registers at the crash and its other notes. Open one with
 * {@link DumpFiles#open}, which recognises the format by content. The formats are a closed
 * set: an ELF core, a kdump-compressed (or diskdump) file, a flattened stream (holding one of
 * those) and a split set of kdump-compressed files.
 */
public sealed interface DumpFile extends AutoCloseable permits ElfDump, KdumpDump, FlattenedDump, SplitDump {
    /** The name used in messages (the path as given). */
    String name();

    DumpFormat format();

    PhysicalMemory memory();

    /** The VMCOREINFO note; empty for dumps that lack it (QEMU without -device vmcoreinfo). */
    Optional<VmcoreInfo> vmcoreinfo();

    /** One entry per NT_PRSTATUS note, in note order (CPU 0 first). */
    List<CpuState> cpuStates();

    /** Every note of the dump, in file order. */
    List<ElfNote> notes();

    DumpDescription describe();

    @Override
    void close();
}
