package org.jkdump.kernel.symbols;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jkdump.format.JkdumpException;

/**
 * A file that lists the kernel image's symbols at their link-time (unrelocated) addresses:
 * a System.map or a vmlinux ELF with its {@code .symtab}. Read one with {@link #read}, which
 * tells them apart by content, never by name.
 */
public sealed interface SymbolFile permits SystemMap, VmlinuxSymbols {

    /** The file as given. */
    Path path();

    /** The symbols at link-time addresses, in file order. */
    List<Symbol> symbols();

    /** Where symbol {@code index} of {@link #symbols()} is written, for messages ("line 387"). */
    String where(int index);

    /** The GNU build ID (hex) where the file records one; a vmlinux does, a System.map not. */
    Optional<String> buildId();

    /** "System.map" or "vmlinux", for messages. */
    String kind();

    /** Reads {@code path} as a vmlinux when it starts with the ELF magic, else as a System.map. */
    static SymbolFile read(Path path) {
        var name = path.toString();
        if (Files.isDirectory(path)) throw new SymbolFileException(name, "is a directory, not a System.map or vmlinux");
        if (!Files.isRegularFile(path)) throw new SymbolFileException(name, "no such file");
        byte[] magic;
        try (InputStream in = Files.newInputStream(path)) {
            magic = in.readNBytes(4);
        } catch (IOException e) {
            throw new JkdumpException(name + ": cannot read: " + e.getMessage(), e);
        }
        return Arrays.equals(magic, new byte[]{0x7f, 'E', 'L', 'F'}) ? VmlinuxSymbols.read(path) : SystemMap.read(path);
    }
}
