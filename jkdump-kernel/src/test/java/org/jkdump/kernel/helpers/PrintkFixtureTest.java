package org.jkdump.kernel.helpers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jkdump.kernel.helpers.TextDiff.assertSameText;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.jkdump.format.DumpFile;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.Fixtures;
import org.jkdump.kernel.AddressSpace;
import org.jkdump.kernel.Kernel;
import org.jkdump.kernel.helpers.PrintkRecord.TextBlock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The kernel log of the kdump-sysrq fixture against makedumpfile's and vmcore-dmesg's output of the same crash. */
class PrintkFixtureTest {
    private static DumpFile dump;
    private static Kernel kernel;

    @BeforeAll
    static void open() {
        dump = DumpFiles.open(Fixtures.sysrqElf());
        kernel = Kernel.open(dump);
    }

    @AfterAll
    static void close() {
        dump.close();
    }

    /** Every dump of the fixtures: the sysrq crash in all four formats, the module oops as the capture kernel wrote it. */
    static Stream<Arguments> dumps() {
        return Stream.of(
                Arguments.of("kdump-sysrq", "vmcore.elf"),
                Arguments.of("kdump-sysrq", "vmcore.kdump-zlib"),
                Arguments.of("kdump-sysrq", "vmcore.kdump-lzo"),
                Arguments.of("kdump-sysrq", "vmcore.flat"),
                Arguments.of("kdump-oops-module", "vmcore.kdump-lzo"));
    }

    private static Path path(String dir, String file) {
        return file.equals("vmcore.elf") ? Fixtures.sysrqElf() : Fixtures.file(dir, file);
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("dumps")
    void bothLayoutsAreByteIdenticalToTheReferenceTools(String dir, String file) {
        try (var d = DumpFiles.open(path(dir, file))) {
            var log = Printk.log(Kernel.open(d));
            assertSameText(DmesgFormat.MAKEDUMPFILE.format(log, DmesgFormat.Options.NONE),
                    Fixtures.text(dir, "dmesg.makedumpfile.txt"), dir + "/" + file + " as makedumpfile --dump-dmesg");
            assertSameText(DmesgFormat.VMCORE_DMESG.format(log, DmesgFormat.Options.NONE),
                    Fixtures.text(dir, "dmesg.vmcore-dmesg.txt"), dir + "/" + file + " as vmcore-dmesg");
        }
    }

    @Test
    void callerIdColumnMatchesNewerMakedumpfile() throws IOException {
        try (var in = PrintkFixtureTest.class.getResourceAsStream("kdump-sysrq.makedumpfile-1.7.9.txt")) {
            var expected = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            var ours = DmesgFormat.MAKEDUMPFILE.format(Printk.log(kernel), new DmesgFormat.Options(true, false));
            assertSameText(ours, expected, "makedumpfile 1.7.9 layout with caller ids");
        }
    }

    /**
     * The real tools' output on the fixture with bytes of the first record replaced (see
     * src/test/resources/.../README.md): each tool's escaping of non-printable bytes.
     */
    @Test
    void escapesBytesAsEachToolDoesOnAPatchedDump() throws IOException {
        var info = kernel.vmcoreinfo();
        var mem = kernel.memory();
        long ring = mem.u64(info.symbol("prb").orElseThrow()) + info.offset("printk_ringbuffer", "text_data_ring").orElseThrow();
        long data = mem.u64(ring + info.offset("prb_data_ring", "data").orElseThrow());
        var text = new String(mem.read(data, 1 << mem.u32(ring + info.offset("prb_data_ring", "size_bits").orElseThrow())),
                StandardCharsets.ISO_8859_1);
        long at = data + text.indexOf("Linux version " + info.osRelease().orElseThrow() + " (debian");
        var patch = new byte[]{(byte) 0xc3, (byte) 0xa9, 0x7f, 0x01, 0x0b, 0x0d, 0x09, (byte) 0x80, (byte) 0xff, 0x1b};
        var patched = new PatchedMemory(dump.memory(), mem.translate(at), patch);
        var space = AddressSpace.kernel(patched, info, List.of());
        var log = Printk.log(space, info, dump.name());

        for (var format : DmesgFormat.values()) {
            var name = "patched-sysrq." + (format == DmesgFormat.MAKEDUMPFILE ? "makedumpfile" : "vmcore-dmesg") + ".txt";
            try (var in = PrintkFixtureTest.class.getResourceAsStream(name)) {
                var expected = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                var ours = format.format(log, DmesgFormat.Options.NONE);
                assertSameText(ours.substring(0, ours.indexOf('\n') + 1), expected, format + " on the patched dump");
            }
        }
    }

    @Test
    void recordsCarryTheKernelsSequenceLevelAndCaller() {
        var log = Printk.log(kernel);
        var records = log.records();

        assertThat(log.buffer()).isEqualTo(PrintkLog.Buffer.LOCKLESS_RING);
        assertThat(records.getFirst().textString()).startsWith("Linux version " + kernel.vmcoreinfo().osRelease().orElseThrow());
        for (int i = 1; i < records.size(); i++)
            assertThat(records.get(i).sequence().getAsLong()).isEqualTo(records.get(i - 1).sequence().getAsLong() + 1);
        assertThat(records).allSatisfy(r -> {
            assertThat(r.textBlock()).isEqualTo(TextBlock.STORED);
            assertThat(r.level().orElseThrow()).isBetween(0, 7);
            assertThat(r.facility().orElseThrow()).isZero();  // every kernel message is LOG_KERN
        });
        // the sysrq crash: "sysrq: Trigger a crash" then the panic, printed by init (pid 1)
        var trigger = records.stream().filter(r -> r.textString().equals("sysrq: Trigger a crash")).findFirst().orElseThrow();
        assertThat(trigger.caller()).hasValueSatisfying(c -> assertThat(c.toString()).isEqualTo("T1"));
        var panic = records.stream().filter(r -> r.textString().startsWith("Kernel panic - not syncing: sysrq triggered crash")).findFirst().orElseThrow();
        assertThat(panic.level()).hasValue(0);  // KERN_EMERG
    }

    @Test
    void devPrintkRecordsCarryTheirDevice() {
        var withDevice = Printk.records(kernel).stream().filter(r -> r.device().isPresent()).toList();

        assertThat(withDevice).isNotEmpty();
        assertThat(withDevice).anySatisfy(r -> {
            assertThat(r.device().get().subsystem()).isEqualTo("pci");
            assertThat(r.device().get().device()).startsWith("+pci:0000:00:");
            assertThat(r.textString()).startsWith("pci 0000:00:");
        });
    }
}
