package org.jkdump.kexec.classic;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.jkdump.format.JkdumpException;
import org.jkdump.kexec.IomemRange;

/**
 * Hostile bzImage headers and /proc/iomem texts: the classic loader either plans or fails with
 * a JkdumpException (never another exception, a hang or a huge allocation). Seeds (the Debian
 * kernel's header, the drill guest's iomem) run in every build; JAZZER_FUZZ=1 fuzzes for real.
 */
class ClassicParsersFuzzTest {
    static final KernelMapping MAPPING = new KernelMapping(KernelMapping.DEFAULT_PAGE_OFFSET, 0xffffffff81000000L, 0x3400000);

    @FuzzTest(maxDuration = "30s")
    void setupHeader(byte[] head) {
        try {
            var setup = SetupHeader.parse(head, Math.max(head.length, 8247232), "fuzz");
            var params = new BootParams(setup, "console=ttyS0", 0, 0, List.of(), 0);
            params.bytes(0x3ef5a000L);
        } catch (JkdumpException expected) {
            // a clear failure is fine
        }
    }

    @FuzzTest(maxDuration = "30s")
    void iomemMap(byte[] text) {
        try {
            var iomem = IomemRange.parse(new String(text, StandardCharsets.ISO_8859_1), "fuzz");
            var map = CrashMemoryMap.of(iomem, "fuzz");
            var inputs = new CrashInputs(map, List.of(new NoteLocation(0x3e23a400L, 368)), Optional.empty(),
                    CrashInputs.kernelPhysical(iomem, "fuzz"), MAPPING);
            var setup = SetupHeader.parse(KexecToolsRun.bytes("vmlinuz-6.1.0-56-amd64.head"), KexecToolsRun.KERNEL_FILE_SIZE, "vmlinuz");
            CrashImage.plan(inputs, new CrashImage.Request(java.nio.file.Path.of("vmlinuz"), KexecToolsRun.KERNEL_FILE_SIZE, setup,
                    Optional.empty(), 0, "", 0));
        } catch (JkdumpException expected) {
            // a clear failure is fine
        }
    }
}
