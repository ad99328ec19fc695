package org.jkdump.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.jkdump.format.DumpFiles;
import org.jkdump.kernel.Kernel;
import org.jkdump.kernel.helpers.DmesgFormat;
import org.jkdump.kernel.helpers.Printk;

/**
 * vmcore-dmesg.txt as kdump-utils writes it: kexec-tools' vmcore-dmesg layout
 * ({@link DmesgFormat#VMCORE_DMESG}), read from the dump with VMCOREINFO alone by jkdump-kernel's
 * {@link Printk}. Written as {@code vmcore-dmesg-incomplete.txt} and renamed once complete, so a
 * capture cut short never leaves a log that looks whole.
 */
public final class VmcoreDmesg implements DmesgWriter {
    static final String INCOMPLETE = "vmcore-dmesg-incomplete.txt";

    @Override
    public int write(Path vmcore, Path output) throws IOException {
        String text;
        try (var dump = DumpFiles.open(vmcore)) {
            text = DmesgFormat.VMCORE_DMESG.format(Printk.log(Kernel.open(dump)), DmesgFormat.Options.NONE);
        }
        Path partial = output.resolveSibling(INCOMPLETE);
        Files.writeString(partial, text, StandardCharsets.US_ASCII);
        Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return (int) text.chars().filter(c -> c == '\n').count();
    }
}
