package org.jkdump.kexec.classic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.jkdump.format.JkdumpException;
import org.jkdump.kexec.IomemRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CrashInputs} reading the drill guest's recorded files (resources/guest-6.1) laid out as a root file system. */
class RecordedGuestInputsTest {
    static final KernelMapping MAPPING = new KernelMapping(KernelMapping.DEFAULT_PAGE_OFFSET, 0xffffffff81000000L, 0x3400000);

    @Test
    void readsNotesVmcoreinfoAndMemoryFromSysfsFiles(@TempDir Path root) throws IOException {
        layOut(root);
        var in = CrashInputs.read(root, MAPPING);
        assertThat(in.cpuNotes()).containsExactly(new NoteLocation(0x3e23a400L, 368), new NoteLocation(0x3e33a400L, 368));
        assertThat(in.vmcoreinfo()).contains(new NoteLocation(0x11f0000, 0x1024)); // "%x": 4132 bytes
        assertThat(in.kernelPhysical()).isEqualTo(0x0f200000);
        assertThat(in.memory().ram()).containsExactly(new MemoryRegion(0x1000, 0x9fbff, MemoryType.RAM),
                new MemoryRegion(0x100000, 0x2dffffffL, MemoryType.RAM), new MemoryRegion(0x3e000000L, 0x3ffd9fffL, MemoryType.RAM));
        var header = CoreHeader.build(in, 0x3df61000L);
        assertThat(header.headers()).hasSize(2 + 1 + 1 + 3);
        assertThat(header.headers().get(4)).isEqualTo(new ProgramHeader(ProgramHeader.PT_LOAD, 7, 0x3df61000L,
                KernelMapping.DEFAULT_PAGE_OFFSET + 0x1000, 0x1000, 0x9ec00, 0x9ec00));
        assertThat(header.bytes()).hasSize(1024).startsWith(0x7f, 'E', 'L', 'F', 2, 1, 1);
    }

    @Test
    void namesTheFileWhenVmcoreinfoIsGarbage(@TempDir Path root) throws IOException {
        layOut(root);
        Files.writeString(root.resolve("sys/kernel/vmcoreinfo"), "0x11f0000\n");
        assertThatThrownBy(() -> CrashInputs.read(root, MAPPING)).isInstanceOf(JkdumpException.class)
                .hasMessage(root.resolve("sys/kernel/vmcoreinfo") + ": expected 'ADDRESS SIZE', found '0x11f0000'");
    }

    @Test
    void refusesAnIomemWithoutReservationOrWithHiddenAddresses() {
        var noCrash = IomemRange.parse("00001000-0009fbff : System RAM\n", "iomem");
        assertThatThrownBy(() -> CrashMemoryMap.of(noCrash, "iomem"))
                .hasMessage("iomem: no \"Crash kernel\" range: boot with crashkernel=256M (or more)");
        var hidden = IomemRange.parse("00000000-00000000 : System RAM\n  00000000-00000000 : Crash kernel\n", "iomem");
        assertThatThrownBy(() -> CrashMemoryMap.of(hidden, "iomem")).hasMessageContaining("shows addresses only to root");
    }

    @Test
    void refusesWhenTheReservationIsTooSmall() {
        var iomem = IomemRange.parse("00001000-0009fbff : System RAM\n00100000-3ffd9fff : System RAM\n  01000000-01ffffff : Kernel code\n"
                + "  2e000000-2e3fffff : Crash kernel\n", "iomem");
        var in = new CrashInputs(CrashMemoryMap.of(iomem, "iomem"), java.util.List.of(new NoteLocation(0x3e23a400L, 368)),
                Optional.empty(), 0x1000000, MAPPING);
        var setup = BootParamsTest.DEBIAN_6_1;
        assertThatThrownBy(() -> CrashImage.plan(in, new CrashImage.Request(Path.of("vmlinuz"), KexecToolsRun.KERNEL_FILE_SIZE,
                setup, Optional.empty(), 0, "", 0)))
                .isInstanceOf(JkdumpException.class)
                .hasMessageStartingWith("the kernel (init_size) (0x3f98000 bytes, aligned to 0x200000) does not fit in the crashkernel="
                        + " reservation 2e000000-2e3fffff");
    }

    /** proc/iomem, sys/kernel/vmcoreinfo and sys/devices/system/cpu/cpuN/crash_notes{,_size} from the recording. */
    static void layOut(Path root) throws IOException {
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/iomem"), resource("proc-iomem.txt"));
        Files.createDirectories(root.resolve("sys/kernel"));
        Files.writeString(root.resolve("sys/kernel/vmcoreinfo"), resource("sys-kernel-vmcoreinfo.txt"));
        for (String line : resource("crash_notes.txt").strip().split("\n")) {
            // "cpu0 crash_notes=3e23a400 crash_notes_size=368"
            String[] w = line.split(" ");
            Path cpu = Files.createDirectories(root.resolve("sys/devices/system/cpu/" + w[0]));
            Files.writeString(cpu.resolve("crash_notes"), w[1].substring(w[1].indexOf('=') + 1) + "\n");
            Files.writeString(cpu.resolve("crash_notes_size"), w[2].substring(w[2].indexOf('=') + 1) + "\n");
        }
        Files.createDirectories(root.resolve("sys/devices/system/cpu/cpufreq")); // not a CPU: must be ignored
    }

    static String resource(String name) throws IOException {
        try (InputStream in = RecordedGuestInputsTest.class.getResourceAsStream("/guest-6.1/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource /guest-6.1/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
