package org.jkdump.capture;

import java.nio.file.Path;
import org.jkdump.format.DumpFiles;
import org.jkdump.kernel.Kernel;
import org.jkdump.kernel.helpers.DmesgFormat;
import org.jkdump.kernel.helpers.Printk;

/**
 * vmcore-dmesg.txt as kdump-utils writes it: kexec-tools' vmcore-dmesg layout
 * ({@link DmesgFormat#VMCORE_DMESG}), read from the dump with VMCOREINFO alone by jkdump-kernel's
 * {@link Printk}.
 */
public final class VmcoreDmesg implements DmesgWriter {
    @Override
    public String read(Path vmcore) {
        try (var dump = DumpFiles.open(vmcore)) {
            return DmesgFormat.VMCORE_DMESG.format(Printk.log(Kernel.open(dump)), DmesgFormat.Options.NONE);
        }
    }
}
