package org.jkdump.kexec.classic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorded {@code jkdump drill --classic} run (resources/drill-classic-6.1): planning on the
 * host from the guest's recorded inputs gives what the guest printed and loaded, and the
 * capture kernel booted from it used our memory map and command line and built /proc/vmcore
 * from our core header.
 */
class DrillClassicRecordingTest {
    static final String DIR = "/drill-classic-6.1/";
    static final long INITRD_SIZE = 0x1ca77c3;
    /** The guest's mappings as its /proc/kcore gave them to KernelMapping (the dry run prints them in the header). */
    static final KernelMapping MAPPING = new KernelMapping(0xffff8af200000000L, 0xffffffffbae00000L, 0x3430000);
    static final String CMDLINE = "console=ttyS0,115200 panic=5 jk.crash=sysrq jk.classic=1 irqpoll nr_cpus=1 reset_devices panic=5";
    static CrashImage image;

    @BeforeAll
    static void plan(@TempDir Path root) throws IOException {
        image = planRecorded(DIR, root, MAPPING, INITRD_SIZE, CMDLINE);
    }

    /** Plans on the host from a drill recording's inputs (iomem, vmcoreinfo, crash notes), with stand-ins for the kernel and initramfs. */
    static CrashImage planRecorded(String dir, Path root, KernelMapping mapping, long initrdSize, String cmdline) throws IOException {
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/iomem"), text(dir, "proc-iomem.txt"));
        Files.createDirectories(root.resolve("sys/kernel"));
        Files.writeString(root.resolve("sys/kernel/vmcoreinfo"), text(dir, "sys-kernel-vmcoreinfo.txt"));
        for (String line : text(dir, "crash_notes.txt").strip().split("\n")) {
            String[] w = line.split(" ");
            Path cpu = Files.createDirectories(root.resolve("sys/devices/system/cpu/" + w[0]));
            Files.writeString(cpu.resolve("crash_notes"), w[1].substring(w[1].indexOf('=') + 1) + "\n");
            Files.writeString(cpu.resolve("crash_notes_size"), w[2].substring(w[2].indexOf('=') + 1) + "\n");
        }
        var setup = SetupHeader.parse(KexecToolsRun.bytes("vmlinuz-6.1.0-56-amd64.head"), KexecToolsRun.KERNEL_FILE_SIZE, "vmlinuz");
        var kernel = KexecToolsRun.standIn(root, "vmlinuz", KexecToolsRun.bytes("vmlinuz-6.1.0-56-amd64.head"), KexecToolsRun.KERNEL_FILE_SIZE);
        var initrd = KexecToolsRun.standIn(root, "jkdump-capture.img", new byte[0], initrdSize);
        return CrashImage.plan(CrashInputs.read(root, mapping), new CrashImage.Request(kernel,
                KexecToolsRun.KERNEL_FILE_SIZE, setup, Optional.of(initrd), initrdSize, cmdline, 0));
    }

    /**
     * This recording predates the purgatory's digest check (its purgatory was one page
     * smaller, so the segments below it sat 4 KiB higher): what the current plan must still
     * share with it is the command line, the capture kernel's memory map and the core header.
     * DrillClassicDigestRecordingTest compares a later run in full.
     */
    @Test
    void hostPlanHasTheGuestsCommandLineMemoryMapAndCoreHeader() {
        assertThat(section(KexecLoad.describe(image))).isEqualTo(section(text("jkdump-load-classic-dry-run.txt")));
    }

    private static String section(String describe) {
        int from = describe.indexOf("command line:"), to = describe.indexOf("purgatory:");
        assertThat(from).isNotNegative();
        assertThat(to).isGreaterThan(from);
        return describe.substring(from, to);
    }

    @Test
    void captureKernelGotOurMemoryMapAndCommandLine() {
        String dmesg = text("capture-kernel-e820.txt");
        var seen = new ArrayList<String>();
        var m = Pattern.compile("BIOS-e820: \\[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\\] (\\w+)").matcher(dmesg);
        while (m.find()) seen.add(m.group(1) + "-" + m.group(2) + " " + m.group(3));
        var ours = image.bootParams().e820().stream()
                .map(r -> String.format("%016x-%016x %s", r.start(), r.end(), r.type() == MemoryType.RAM ? "usable" : "reserved"))
                .toList();
        assertThat(seen).containsExactlyElementsOf(ours);
        assertThat(dmesg).contains("Command line: " + image.bootParams().cmdline());
    }

    /** The capture kernel merges the PT_NOTEs into one and copies every PT_LOAD's addresses and size. */
    @Test
    void vmcoreProgramHeadersAreOurs() {
        var vmcore = new ArrayList<String>();
        var m = Pattern.compile("LOAD\\s+0x[0-9a-f]+ 0x([0-9a-f]+) 0x([0-9a-f]+)\\s+0x([0-9a-f]+)").matcher(text("vmcore-readelf-l.txt"));
        while (m.find())
            vmcore.add(String.format("vaddr %x paddr %x size %x", Long.parseUnsignedLong(m.group(1), 16),
                    Long.parseUnsignedLong(m.group(2), 16), Long.parseUnsignedLong(m.group(3), 16)));
        List<String> ours = image.header().headers().stream().filter(h -> h.type() == ProgramHeader.PT_LOAD)
                .map(h -> String.format("vaddr %x paddr %x size %x", h.vaddr(), h.paddr(), h.filesz())).toList();
        assertThat(vmcore).hasSize(4).containsExactlyElementsOf(ours);
        long noteBytes = image.header().headers().stream().filter(h -> h.type() == ProgramHeader.PT_NOTE).count();
        assertThat(noteBytes).isEqualTo(3);
        assertThat(text("crash-8.0.6-sys-bt.txt")).contains("PANIC: \"Kernel panic - not syncing: sysrq triggered crash\"",
                "MEMORY: 1 GB", "sysrq_handle_crash");
    }

    /**
     * A kexec_file_load dump of the same configuration (kernel-built header) covers the same
     * physical pages, minus the low 640 KiB the classic header adds through the backup region.
     */
    @Test
    void dumpsTheSamePhysicalRangesAsKexecFileLoadPlusLowMemory() {
        var fileLoad = loads("kexec-file-load-vmcore-readelf-l.txt");
        var classic = loads("vmcore-readelf-l.txt");
        assertThat(fileLoad).hasSize(3);
        var lowMemory = String.format("paddr %x size %x", 0x1000, 0x9ec00);
        assertThat(classic).contains(lowMemory);
        // the kernel text moves with KASLR, its size does not; the RAM ranges are identical
        assertThat(classic.subList(0, 1).getFirst().replaceAll("paddr \\w+", "")).isEqualTo(fileLoad.getFirst().replaceAll("paddr \\w+", ""));
        var rest = new ArrayList<>(classic.subList(1, classic.size()));
        rest.remove(lowMemory);
        assertThat(rest).containsExactlyElementsOf(fileLoad.subList(1, fileLoad.size()));
    }

    private static List<String> loads(String file) {
        var out = new ArrayList<String>();
        var m = Pattern.compile("LOAD\\s+0x[0-9a-f]+ 0x[0-9a-f]+ 0x([0-9a-f]+)\\s+0x([0-9a-f]+)").matcher(text(file));
        while (m.find())
            out.add(String.format("paddr %x size %x", Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16)));
        return out;
    }

    static String text(String name) {
        return text(DIR, name);
    }

    static String text(String dir, String name) {
        try (InputStream in = DrillClassicRecordingTest.class.getResourceAsStream(dir + name)) {
            if (in == null) throw new IllegalStateException("missing test resource " + dir + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
