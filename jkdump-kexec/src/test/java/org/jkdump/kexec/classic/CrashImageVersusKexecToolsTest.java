package org.jkdump.kexec.classic;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our classic layout for the inputs of a recorded {@code kexec -p -c -d} run (Debian 6.1 guest,
 * KASLR, crashkernel=256M at 2f000000) against what kexec-tools built from the same inputs and
 * what the capture kernel it booted reported.
 */
class CrashImageVersusKexecToolsTest {
    static KexecToolsRun run;
    static CrashInputs inputs;
    static CrashImage image;

    @BeforeAll
    static void plan() {
        run = KexecToolsRun.load();
        var iomem = run.iomem();
        inputs = new CrashInputs(CrashMemoryMap.of(iomem, "kexec-p-d.txt"), run.cpuNotes(), Optional.of(run.vmcoreinfo()),
                CrashInputs.kernelPhysical(iomem, "kexec-p-d.txt"), run.mapping());
        var setup = SetupHeader.parse(KexecToolsRun.bytes("vmlinuz-6.1.0-56-amd64.head"), KexecToolsRun.KERNEL_FILE_SIZE, "vmlinuz");
        image = CrashImage.plan(inputs, new CrashImage.Request(Path.of("vmlinuz"), KexecToolsRun.KERNEL_FILE_SIZE, setup,
                Optional.of(Path.of("initrd.img")), KexecToolsRun.INITRD_SIZE, "console=ttyS0,115200 irqpoll nr_cpus=1", 0xf59c0));
    }

    @Test
    void readsTheRecordedInputs() {
        assertThat(run.iomem()).hasSize(31);
        assertThat(inputs.cpuNotes()).containsExactly(new NoteLocation(0x3f83a400L, 368), new NoteLocation(0x3f93a400L, 368));
        assertThat(inputs.memory().reservations()).containsExactly(new MemoryRegion(0x2f000000L, 0x3effffffL, MemoryType.RAM));
        assertThat(inputs.memory().backupSource()).isEqualTo(new MemoryRegion(0x1000, 0x9fbff, MemoryType.RAM));
        assertThat(inputs.kernelPhysical()).isEqualTo(0x17600000L);
    }

    @Test
    void placesBackupAndHeaderWhereKexecToolsDid() {
        assertThat(image.backupAddress()).as("backup").isEqualTo(run.created("backup"));
        assertThat(image.headerAddress()).as("elfcorehdr").isEqualTo(run.created("elf header"));
        assertThat(run.captureCmdline()).contains("elfcorehdr=" + image.headerAddress() / 1024 + "K");
        assertThat(image.bootParams().cmdline()).endsWith("elfcorehdr=1031540K");
    }

    @Test
    void coreHeaderHasKexecToolsProgramHeadersFieldByField() {
        var expected = run.programHeaders().stream()
                .map(h -> String.format("type %d offset %x paddr %x vaddr %x filesz %x memsz %x", h[0], h[1], h[2], h[3], h[4], h[5]))
                .toList();
        var ours = image.header().headers().stream()
                .map(h -> String.format("type %d offset %x paddr %x vaddr %x filesz %x memsz %x", h.type(), h.offset(), h.paddr(),
                        h.vaddr(), h.filesz(), h.memsz()))
                .toList();
        assertThat(expected).hasSize(7);
        assertThat(ours).containsExactlyElementsOf(expected);
    }

    @Test
    void headerSegmentHasKexecToolsSizes() {
        var seg = segmentAt(image.headerAddress());
        var theirs = run.segments().stream().filter(s -> s[0] == image.headerAddress()).findFirst().orElseThrow();
        assertThat(seg.bufsz()).as("bufsz").isEqualTo(theirs[1]);
        assertThat(seg.memsz()).as("memsz").isEqualTo(theirs[2]);
    }

    @Test
    void placesKernelAndInitrdWhereKexecToolsDid() {
        long kernel = run.loaded("64bit kernel"), initrd = run.loaded("initrd");
        for (long mem : List.of(kernel, initrd)) {
            var ours = segmentAt(mem);
            var theirs = run.segments().stream().filter(s -> s[0] == mem).findFirst().orElseThrow();
            assertThat(new long[] {ours.mem(), ours.bufsz(), ours.memsz()}).as(ours.name()).containsExactly(theirs);
        }
        assertThat(image.bootParams().initrdAddress()).isEqualTo(initrd);
    }

    /**
     * The capture kernel kexec-tools booted reported this map; ours is the same except that we
     * leave out the 1 KiB at 3efffc00: kexec-tools cuts the backup segment's buffer size
     * (0x9ec00) out of the map, not its page-rounded memsz, and hands the capture kernel the tail
     * of the page the backup segment occupies.
     */
    @Test
    void e820MatchesWhatTheCaptureKernelSaw() {
        var ours = image.bootParams().e820().stream()
                .map(r -> String.format("%016x-%016x %s", r.start(), r.end(), r.type() == MemoryType.RAM ? "usable" : "reserved"))
                .toList();
        var theirs = run.captureE820().stream().filter(l -> !l.startsWith("000000003efffc00")).toList();
        assertThat(run.captureE820()).hasSize(9);
        assertThat(ours).containsExactlyElementsOf(theirs);
    }

    @Test
    void segmentsAreSortedPageAlignedAndInsideTheReservation() {
        var res = inputs.memory().loadReservation();
        long prevEnd = -1;
        for (var s : image.segments()) {
            assertThat(s.mem() % 4096).as(s.name()).isZero();
            assertThat(s.memsz() % 4096).as(s.name()).isZero();
            assertThat(s.bufsz()).as(s.name()).isLessThanOrEqualTo(s.memsz());
            assertThat(s.mem()).as(s.name()).isGreaterThan(prevEnd).isGreaterThanOrEqualTo(res.start());
            assertThat(s.end()).as(s.name()).isLessThanOrEqualTo(res.end());
            prevEnd = s.end();
        }
        assertThat(image.segments()).extracting(Segment::name)
                .containsExactly("initrd", "kernel", "boot_params", "purgatory", "elfcorehdr", "backup");
        assertThat(segmentAt(image.entry() & -4096L).name()).isEqualTo("purgatory");
    }

    private static Segment segmentAt(long mem) {
        return image.segments().stream().filter(s -> s.mem() == mem).findFirst()
                .orElseThrow(() -> new AssertionError(String.format("no segment at %x: %s", mem, image.segments())));
    }
}
