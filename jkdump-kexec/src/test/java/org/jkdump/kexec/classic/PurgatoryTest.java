package org.jkdump.kexec.classic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PurgatoryTest {
    static final Purgatory.Parameters PARAMS = new Purgatory.Parameters(0x3ef5c000L, 0x1000, 0x3ef61000L, 0x9ec00,
            0x3ef5a000L, 0x3ae00200L);

    /** Our encodings against GNU as (binutils, present wherever gcc is) assembling the listing's own text. */
    @Test
    void bytesEqualWhatGnuAsAssemblesFromTheListing(@TempDir Path dir) throws Exception {
        var code = Purgatory.assemble(PARAMS);
        Files.writeString(dir.resolve("p.s"), code.gnuAs());
        run(dir, "as", "--64", "-o", "p.o", "p.s");
        run(dir, "objcopy", "-O", "binary", "-j", ".text", "p.o", "p.bin");
        byte[] gnu = Files.readAllBytes(dir.resolve("p.bin"));
        assertThat(HexFormat.of().formatHex(code.bytes())).isEqualTo(HexFormat.of().formatHex(gnu));
    }

    /** A few encodings checked by hand against the Intel SDM, independent of any assembler. */
    @Test
    void startsWithHandCheckedEncodings() {
        byte[] b = Purgatory.assemble(PARAMS).bytes();
        assertThat(HexFormat.of().formatHex(b, 0, 4)).isEqualTo("fafc488d"); // cli; cld; lea r64 (REX.W 8D)
        assertThat(b[4] & 0xff).as("ModRM: mod 00 reg rsp(100) rm 101 = RIP+disp32").isEqualTo(0x25);
        assertThat(HexFormat.of().formatHex(b, 9, 12)).as("lgdt m16&64: 0F 01 /2, rip-relative").isEqualTo("0f0115");
    }

    @Test
    void everyRipRelativeOperandLandsOnItsLabel() {
        var code = Purgatory.assemble(PARAMS);
        var b = ByteBuffer.wrap(code.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        // (offset of the disp32, expected target's value) pairs, found through the listing
        var listing = String.join("\n", code.listing());
        assertThat(listing).contains("movq backup_size(%rip), %rcx");
        long[] expectedValues = {PARAMS.backupSize(), PARAMS.backupSource(), PARAMS.backupTarget(), PARAMS.bootParams(), PARAMS.kernelEntry()};
        int[] movOpcodeEnds = movqRipLoads(code.bytes());
        assertThat(movOpcodeEnds).hasSize(5);
        for (int i = 0; i < 5; i++) {
            int dispAt = movOpcodeEnds[i];
            int target = dispAt + 4 + b.getInt(dispAt);
            assertThat(b.getLong(target)).as("operand %d", i).isEqualTo(expectedValues[i]);
        }
    }

    @Test
    void gdtPointerIsRelocatedToTheLoadAddress() {
        for (long load : List.of(0x1000L, 0x3ef5c000L, 0x12345000L)) {
            var p = new Purgatory.Parameters(load, 0, 0, 0, 0, 0);
            var b = ByteBuffer.wrap(Purgatory.assemble(p).bytes()).order(ByteOrder.LITTLE_ENDIAN);
            int lgdtDisp = 12; // cli, cld, lea (7 bytes), then 0F 01 15 disp32
            int pointer = lgdtDisp + 4 + b.getInt(lgdtDisp);
            assertThat(b.getShort(pointer)).as("limit").isEqualTo((short) 31);
            long base = b.getLong(pointer + 2);
            int gdt = (int) (base - load);
            assertThat(b.getLong(gdt + 16)).as("__BOOT_CS descriptor").isEqualTo(Purgatory.GDT_CODE64);
            assertThat(b.getLong(gdt + 24)).as("__BOOT_DS descriptor").isEqualTo(Purgatory.GDT_DATA);
            assertThat(gdt % 8).isZero();
        }
    }

    @Test
    void listingCommentsEveryInstruction() {
        var code = Purgatory.assemble(PARAMS);
        assertThat(code.listing()).anyMatch(l -> l.contains("jmpq *%rax") && l.contains("# into the capture kernel"));
        assertThat(code.entryOffset()).isZero();
        assertThat(code.bytes().length).isLessThan(4096);
    }

    /** Offsets of the disp32 of each "REX.W 8B /r" load with ModRM mod 00 rm 101, in order. */
    private static int[] movqRipLoads(byte[] b) {
        return java.util.stream.IntStream.range(0, b.length - 3)
                .filter(i -> (b[i] & 0xff) == 0x48 && (b[i + 1] & 0xff) == 0x8b && (b[i + 2] & 0xc7) == 0x05)
                .map(i -> i + 3).toArray();
    }

    private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        var p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
    }
}
