package org.jkdump.collect;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jkdump.format.JkdumpException;

/**
 * Hostile flattened streams for {@code -R}: any bytes after a valid header either rebuild a
 * file or fail with a JkdumpException (never another exception, a hang or a huge file). Runs
 * its seeds in every build; fuzzes for real with JAZZER_FUZZ=1.
 */
class RebuildFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void flattenedStreamOfArbitraryRecordsRebuildsOrFailsCleanly(FuzzedDataProvider data) throws IOException {
        var stream = new ByteArrayOutputStream();
        var out = new DataOutputStream(stream);
        var header = new byte[4096];
        System.arraycopy("makedumpfile".getBytes(), 0, header, 0, 12);
        if (data.consumeBoolean()) header[data.consumeInt(0, 11)] ^= 1;
        out.write(header);
        int records = data.consumeInt(0, 8);
        for (int i = 0; i < records; i++) {
            boolean wild = data.consumeBoolean();
            long offset = wild ? data.consumeLong() : data.consumeLong(0, 1 << 20);
            long size = wild ? data.consumeLong() : data.consumeLong(0, 4096);
            out.writeLong(offset);
            out.writeLong(size);
            out.write(data.consumeBytes((int) Math.max(0, Math.min(size, 4096))));
        }
        if (data.consumeBoolean()) {
            out.writeLong(-1);
            out.writeLong(-1);
        }
        out.write(data.consumeRemainingAsBytes());
        var dir = Files.createTempDirectory("rebuild-fuzz");
        var target = dir.resolve("out");
        try {
            Rebuild.fromFlattened(new ByteArrayInputStream(stream.toByteArray()), target);
        } catch (JkdumpException expected) {
            // a clear failure is fine
        } finally {
            for (var p : new Path[]{target, Collector.incompletePath(target)}) Files.deleteIfExists(p);
            Files.delete(dir);
        }
    }
}
