package org.jkdump.kexec.classic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorded {@code jkdump drill --classic} run with the purgatory's SHA-256 check
 * (resources/drill-classic-digest-6.1): the guest loaded the plan the host makes from its
 * inputs — region table included — and the capture kernel booted past the check.
 */
class DrillClassicDigestRecordingTest {
    static final String DIR = "/drill-classic-digest-6.1/";
    static final long INITRD_SIZE = 0x1ccf2de;
    /** From the dry run's PT_LOADs: direct map base, kernel text mapping and its size. */
    static final KernelMapping MAPPING = new KernelMapping(0xffff8ba600000000L, 0xffffffffa1800000L, 0x3430000);
    static CrashImage image;

    @BeforeAll
    static void plan(@TempDir Path root) throws IOException {
        image = DrillClassicRecordingTest.planRecorded(DIR, root, MAPPING, INITRD_SIZE, DrillClassicRecordingTest.CMDLINE);
    }

    /** All but the digest's value: it covers the capture initramfs the drill builds per run and does not keep. */
    @Test
    void hostPlanEqualsWhatTheGuestPrintedAndLoaded() {
        assertThat(KexecToolsRun.withoutDigest(KexecLoad.describe(image)))
                .isEqualTo(KexecToolsRun.withoutDigest(text("jkdump-load-classic-dry-run.txt")));
    }

    /** The table the guest's purgatory walked: every segment the guest loaded but the purgatory, (mem, memsz), in address order. */
    @Test
    void guestPurgatoryVerifiedEverySegmentButItself() {
        String dryRun = text("jkdump-load-classic-dry-run.txt");
        var segments = new ArrayList<String>();
        var s = Pattern.compile("(?m)^segment\\[\\d+\\] (\\w+)\\s+bufsz = 0x\\w+\\s+mem = 0x(\\w+)\\s+memsz = 0x(\\w+)$").matcher(dryRun);
        while (s.find()) if (!s.group(1).equals(CrashImage.PURGATORY)) segments.add(s.group(2) + "+" + s.group(3));
        var table = new ArrayList<String>();
        var q = Pattern.compile("\\.quad 0x(\\w+)").matcher(dryRun.substring(dryRun.indexOf("sha256_regions:"), dryRun.indexOf("sha256_digest:")));
        while (q.find()) {
            String start = q.group(1);
            q.find();
            if (!q.group(1).equals("0")) table.add(start + "+" + q.group(1));
        }
        assertThat(segments).hasSize(5);
        assertThat(table).containsExactlyElementsOf(segments);
        assertThat(image.purgatory().listing()).anyMatch(l -> l.contains("call sha256"));
    }

    /** The capture kernel ran (our command line and memory map) and /proc/vmcore came from our core header. */
    @Test
    void captureKernelBootedPastTheCheck() {
        String boot = text("capture-kernel-boot.txt");
        assertThat(boot).contains("Command line: " + image.bootParams().cmdline());
        var seen = new ArrayList<String>();
        var m = Pattern.compile("BIOS-e820: \\[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\\] (\\w+)").matcher(boot);
        while (m.find()) seen.add(m.group(1) + "-" + m.group(2) + " " + m.group(3));
        assertThat(seen).containsExactlyElementsOf(image.bootParams().e820().stream()
                .map(r -> String.format("%016x-%016x %s", r.start(), r.end(), r.type() == MemoryType.RAM ? "usable" : "reserved")).toList());
        var vmcore = new ArrayList<String>();
        var l = Pattern.compile("LOAD\\s+0x[0-9a-f]+ 0x([0-9a-f]+) 0x([0-9a-f]+)\\s+0x([0-9a-f]+)").matcher(text("vmcore-readelf-l.txt"));
        while (l.find())
            vmcore.add(String.format("vaddr %x paddr %x size %x", Long.parseUnsignedLong(l.group(1), 16),
                    Long.parseUnsignedLong(l.group(2), 16), Long.parseUnsignedLong(l.group(3), 16)));
        List<String> ours = image.header().headers().stream().filter(h -> h.type() == ProgramHeader.PT_LOAD)
                .map(h -> String.format("vaddr %x paddr %x size %x", h.vaddr(), h.paddr(), h.filesz())).toList();
        assertThat(vmcore).hasSize(4).containsExactlyElementsOf(ours);
        assertThat(text("drill-report.txt")).contains("Kernel panic - not syncing: sysrq triggered crash", "heap marker found");
    }

    /** What the drill's --test-flip-kernel-byte loads: the purgatory's stored digest no longer matches the segments. */
    @Test
    void aFlippedKernelByteNoLongerMatchesTheStoredDigest() {
        var code = image.purgatory();
        int at = code.labels().get("sha256_digest");
        byte[] stored = java.util.Arrays.copyOfRange(code.bytes(), at, at + 32);
        assertThat(SegmentDigest.of(image.segments(), CrashImage.PURGATORY).digest()).isEqualTo(stored);
        var flipped = image.withFlippedByte("kernel", 0x1000);
        assertThat(flipped.purgatory()).isSameAs(code);
        assertThat(SegmentDigest.of(flipped.segments(), CrashImage.PURGATORY).digest()).isNotEqualTo(stored);
    }

    /** Loading re-reads the kernel and initramfs: one changed since planning is refused before kexec_load, with a reason. */
    @Test
    void loadRefusesSegmentsThatNoLongerMatchThePlannedDigest() throws IOException {
        KexecLoad.checkBuffers(image, buffers());
        var initrd = image.segments().stream().filter(s -> s.name().equals("initrd")).findFirst().orElseThrow();
        var file = ((Segment.FileSlice) initrd.content()).file();
        try (var f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.seek(100);
            f.write(1);
        }
        var changed = buffers();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KexecLoad.checkBuffers(image, changed))
                .isInstanceOf(org.jkdump.format.JkdumpException.class)
                .hasMessageContaining("changed since the load was planned");
        try (var f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.seek(100);
            f.write(0);
        }
        KexecLoad.checkBuffers(image, buffers());
    }

    private static List<java.nio.ByteBuffer> buffers() {
        return image.segments().stream().map(s -> java.nio.ByteBuffer.wrap(switch (s.content()) {
            case Segment.Bytes b -> b.bytes();
            case Segment.FileSlice f -> f.read();
        })).toList();
    }

    private static String text(String name) {
        return DrillClassicRecordingTest.text(DIR, name);
    }
}
