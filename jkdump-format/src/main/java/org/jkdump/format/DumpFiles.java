package org.jkdump.format;

import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;

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
        if (paths.length > 1) return openSplit(paths);
        return open(MappedSource.open(paths[0]));
    }

    private static SplitDump openSplit(Path... paths) {
        for (int i = 0; i < paths.length; i++)
            for (int j = 0; j < i; j++)
                if (sameFile(paths[i], paths[j]))
                    throw new JkdumpException(paths[j] + " and " + paths[i] + " are the same file: give each part of a split dump once");
        var parts = new ArrayList<KdumpDump>();
        try {
            for (var p : paths) {
                var d = open(p);
                if (!(d instanceof KdumpDump kd)) {
                    d.close();
                    throw new JkdumpException(p + ": a " + d.format().text() + " file cannot be part of a split dump; "
                            + "several files must be the kdump-compressed parts of one makedumpfile --split");
                }
                parts.add(kd);
            }
            return SplitDump.of(parts);
        } catch (RuntimeException e) {
            parts.forEach(KdumpDump::close);
            throw e;
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /** Opens the dump held by {@code source}; the dump owns the source from then on (and closes it if opening fails). */
    public static DumpFile open(DumpSource source) {
        try {
            return detect(source);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    private static DumpFile detect(DumpSource source) {
        var magic = new String(source.bytes(0, (int) Math.min(16, source.size())), StandardCharsets.ISO_8859_1);
        for (var sig : new String[]{"\177ELF", KdumpHeader.KDUMP, KdumpHeader.DISKDUMP, FlattenedSource.SIGNATURE + "\0\0\0\0"})
            if (magic.length() < sig.length() && sig.startsWith(magic))
                throw source.malformed(0, "file of %d bytes ends inside the \"%s\" signature", source.size(), sig.replace("\177", "\\177").trim().replace("\0", ""));
        if (magic.startsWith("\177ELF")) return ElfDump.open(source);
        if (magic.startsWith(KdumpHeader.KDUMP) || magic.startsWith(KdumpHeader.DISKDUMP)) return KdumpDump.open(source);
        if (FlattenedSource.isFlattened(source)) return FlattenedDump.open(source);
        throw source.malformed(0, "not a crash dump: no ELF, KDUMP, DISKDUMP or flattened-format signature (found \"%s\")",
                magic.replaceAll("[^\\x20-\\x7e]", "?"));
    }
}
