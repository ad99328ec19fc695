package org.jkdump.format;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Opens dump files, recognising the format by content, never by name: "\177ELF",
 * "KDUMP   ", "DISKDUMP" or makedumpfile's flattened header. Several paths make a split set.
 */
public final class DumpFiles {
    private DumpFiles() {
    }

    /** Opens one dump, or a split set when several paths are given. */
    public static DumpFile open(Path... paths) {
        if (paths.length == 0) throw new JkdumpException("no dump file given");
        if (paths.length > 1) throw new JkdumpException("split dump sets are not readable yet: " + Arrays.toString(paths));
        var source = MappedSource.open(paths[0]);
        try {
            return open(source);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** Opens the dump held by {@code source}; the dump owns the source from then on. */
    public static DumpFile open(DumpSource source) {
        var magic = new String(source.bytes(0, (int) Math.min(16, source.size())), StandardCharsets.ISO_8859_1);
        if (magic.startsWith("\177ELF")) return ElfDump.open(source);
        if (magic.startsWith(KdumpHeader.KDUMP) || magic.startsWith(KdumpHeader.DISKDUMP)) return KdumpDump.open(source);
        if (FlattenedSource.isFlattened(source)) return FlattenedDump.open(source);
        throw source.malformed(0, "not a crash dump: no ELF, KDUMP, DISKDUMP or flattened-format signature (found \"%s\")",
                magic.replaceAll("[^\\x20-\\x7e]", "?"));
    }
}
