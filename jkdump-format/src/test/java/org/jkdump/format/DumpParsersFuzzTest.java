package org.jkdump.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Coverage-guided fuzzing of every parser of untrusted dump bytes: whatever the input, opening
 * and fully using a dump (describe, notes, CPU states, every present page) may only fail with
 * a {@link JkdumpException}. The seed corpus ({@code DumpParsersFuzzTestInputs}, made by
 * {@link FuzzSeeds}: real fixture headers and tiny dumps of every format) runs in every build;
 * {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class DumpParsersFuzzTest {
    /** Uses everything the dump offers; only our exceptions may escape. */
    static void use(DumpSource source) {
        try (var dump = DumpFiles.open(source)) {
            dump.describe();
            dump.notes();
            dump.cpuStates();
            dump.vmcoreinfo().ifPresent(v -> {
                v.kernelOffset();
                v.pageSize();
            });
            var mem = dump.memory();
            byte[] page = new byte[mem.pageSize()];
            var it = mem.presentFrames().limit(4096).iterator();
            while (it.hasNext()) mem.readPage(it.nextLong(), page, 0);
            mem.read(0, new byte[3 * mem.pageSize()], 0, 3 * mem.pageSize());
        } catch (JkdumpException expected) {
            // a clear refusal is the right answer to a damaged dump
        }
    }

    @FuzzTest(maxDuration = "30s")
    void kdumpFile(byte[] data) {
        use(MappedSource.of("fuzz.kdump", data));
    }

    @FuzzTest(maxDuration = "30s")
    void elfFile(byte[] data) {
        use(MappedSource.of("fuzz.elf", data));
    }

    @FuzzTest(maxDuration = "30s")
    void flattenedStream(byte[] data) {
        use(MappedSource.of("fuzz.flat", data));
    }

    /** The tiny seeds are whole, valid dumps: mutations of them start deep inside the readers. */
    @ParameterizedTest
    @ValueSource(strings = {"kdumpFile/tiny-none", "kdumpFile/tiny-zlib", "kdumpFile/tiny-lzo", "kdumpFile/tiny-snappy",
            "kdumpFile/tiny-zstd", "kdumpFile/tiny-diskdump", "kdumpFile/tiny-v3-split", "kdumpFile/tiny-incomplete",
            "elfFile/tiny", "elfFile/tiny-qemu-layout", "flattenedStream/tiny-kdump", "flattenedStream/tiny-elf"})
    void tinySeedsAreWholeDumps(String seed) throws IOException, java.net.URISyntaxException {
        var url = getClass().getResource("DumpParsersFuzzTestInputs/" + seed);
        assertThat(url).as("seed %s", seed).isNotNull();
        byte[] data = Files.readAllBytes(Path.of(url.toURI()));
        try (var dump = DumpFiles.open(MappedSource.of(seed, data))) {
            var mem = dump.memory();
            assertThat(mem.pageSize()).isEqualTo(512);
            byte[] page = new byte[512];
            mem.presentFrames().forEach(p -> mem.readPage(p, page, 0));
            assertThat(mem.presentCount()).isEqualTo(seed.endsWith("incomplete") ? 1 : seed.endsWith("split") ? 5 : 8);
        }
    }
}
