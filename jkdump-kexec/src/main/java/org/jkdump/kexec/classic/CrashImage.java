package org.jkdump.kexec.classic;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A capture kernel laid out for kexec_load(2), the way kexec-tools' {@code -p} without
 * {@code -s} does it in user space: every segment placed in the crashkernel= reservation and
 * the entry point (the purgatory). Placement is top-down — backup of low memory, ELF core
 * header, purgatory, boot_params with the command line, kernel, initramfs — so the small
 * read-only pieces stay clear of the kernel's init_size working area.
 *
 * @param headerAddress physical address of the core header: {@code elfcorehdr=} in KiB
 * @param backupAddress where the purgatory saves low memory at crash time
 */
public record CrashImage(List<Segment> segments, long entry, CoreHeader header, long headerAddress, long backupAddress,
                         BootParams bootParams, Purgatory.Code purgatory) {
    /** kexec-tools keeps at least 16 KiB for the header so it is never squeezed into a gap the kernel's bss overlaps. */
    static final long MIN_HEADER_MEMSZ = 16 * 1024;
    /** The lowest address a 64-bit kernel is loaded at (1 MiB, below which real-mode memory lies). */
    static final long KERNEL_MIN = 0x100000;
    /** xloadflags: the initramfs may sit above 4 GiB. */
    static final int XLF_CAN_BE_LOADED_ABOVE_4G = 2;

    /** The kernel and initramfs to load and the command line to boot with (elfcorehdr= is appended). */
    public record Request(Path kernel, long kernelFileSize, SetupHeader setup, Optional<Path> initrd, long initrdSize,
                          String cmdline, long acpiRsdp) {
    }

    /** Lays out the segments for the running kernel's memory ({@code inputs}). */
    public static CrashImage plan(CrashInputs inputs, Request r) {
        var memory = inputs.memory();
        var space = new ReservationSpace(memory.loadReservation());
        long page = ReservationSpace.PAGE;
        long any = -1L;

        var backupSource = memory.backupSource();
        long backupMemsz = ReservationSpace.alignUp(backupSource.size(), page);
        long backup = space.takeHighest("backup of low memory", backupMemsz, page, 0, any);

        var header = CoreHeader.build(inputs, backup);
        long headerMemsz = ReservationSpace.alignUp(Math.max(header.size(), MIN_HEADER_MEMSZ), page);
        long headerAddress = space.takeHighest("ELF core header", headerMemsz, page, 0, any);

        long purgatorySize = ReservationSpace.alignUp(Purgatory.assemble(new Purgatory.Parameters(0, 0, 0, 0, 0, 0)).bytes().length, page);
        long purgatory = space.takeHighest("purgatory", purgatorySize, page, 0, any);

        String cmdline = (r.cmdline().isBlank() ? "" : r.cmdline().strip() + " ") + "elfcorehdr=" + headerAddress / 1024 + "K";
        long kernelMemsz = ReservationSpace.alignUp(r.setup().initSize(), page);
        // boot_params is sized before it is built: the command line is its only variable part
        long paramsMemsz = ReservationSpace.alignUp(BootParams.SIZE + cmdline.length() + 1, page);
        long params = space.takeHighest("boot_params and command line", paramsMemsz, page, 0, any);
        long kernel = space.takeHighest("kernel (init_size)", kernelMemsz, r.setup().kernelAlignment(),
                Math.max(KERNEL_MIN, r.setup().prefAddress()), any);
        long initrd = 0;
        if (r.initrd().isPresent()) {
            long max = (r.setup().xloadflags() & XLF_CAN_BE_LOADED_ABOVE_4G) != 0 ? any : r.setup().initrdAddrMax();
            initrd = space.takeHighest("initramfs", ReservationSpace.alignUp(r.initrdSize(), page), page, 0, max);
        }

        var e820 = e820(memory, backup, backupMemsz, headerAddress, headerMemsz);
        var bootParams = new BootParams(r.setup(), cmdline, initrd, r.initrd().isPresent() ? r.initrdSize() : 0, e820, r.acpiRsdp());
        long entry = kernel + SetupHeader.ENTRY_64_OFFSET;
        var code = Purgatory.assemble(new Purgatory.Parameters(purgatory, backupSource.start(), backup, backupSource.size(),
                params, entry));

        var segments = new ArrayList<Segment>();
        segments.add(new Segment("backup", new Segment.Bytes(new byte[0]), backup, backupMemsz));
        segments.add(new Segment("elfcorehdr", new Segment.Bytes(header.bytes()), headerAddress, headerMemsz));
        segments.add(new Segment("purgatory", new Segment.Bytes(code.bytes()), purgatory, purgatorySize));
        segments.add(new Segment("boot_params", new Segment.Bytes(bootParams.bytes(params)), params, paramsMemsz));
        segments.add(new Segment("kernel", new Segment.FileSlice(r.kernel(), r.setup().setupBytes(),
                r.setup().kernelBytes(r.kernelFileSize())), kernel, kernelMemsz));
        if (r.initrd().isPresent())
            segments.add(new Segment("initrd", new Segment.FileSlice(r.initrd().get(), 0, r.initrdSize()), initrd,
                    ReservationSpace.alignUp(r.initrdSize(), page)));
        segments.sort(Comparator.comparingLong(Segment::mem));
        return new CrashImage(List.copyOf(segments), purgatory + code.entryOffset(), header, headerAddress, backup, bootParams, code);
    }

    /**
     * The capture kernel's memory map: the low memory it reuses and the reservation as RAM,
     * minus the backup and header segments (they must survive its boot), plus the crashed
     * system's ACPI, NVS, persistent and reserved ranges, so it maps ACPI tables and leaves
     * firmware memory alone. Sorted by address.
     */
    static List<MemoryRegion> e820(CrashMemoryMap memory, long backup, long backupMemsz, long header, long headerMemsz) {
        var ram = new ArrayList<MemoryRegion>();
        ram.add(memory.backupSource());
        ram.addAll(memory.reservations());
        List<MemoryRegion> usable = CrashMemoryMap.without(ram, backup, backup + backupMemsz - 1);
        usable = CrashMemoryMap.without(usable, header, header + headerMemsz - 1);
        var out = new ArrayList<>(usable);
        memory.regions().stream().filter(m -> m.type() != MemoryType.RAM).forEach(out::add);
        out.sort((a, b) -> Long.compareUnsigned(a.start(), b.start()));
        return List.copyOf(out);
    }
}
