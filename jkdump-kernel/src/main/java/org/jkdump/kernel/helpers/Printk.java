package org.jkdump.kernel.helpers;

import java.util.List;
import org.jkdump.format.VmcoreInfo;
import org.jkdump.kernel.Kernel;
import org.jkdump.kernel.KernelDataException;
import org.jkdump.kernel.KernelMemory;

/**
 * The kernel log (drgn's helpers/linux/printk.py), read with VMCOREINFO alone — no symbols, no
 * types — so it works on any dump that has the note: the lockless ring buffer of Linux 5.10+
 * when VMCOREINFO has {@code SYMBOL(prb)}, else the record buffer of 3.5–5.9
 * ({@code SYMBOL(log_first_idx)}). Records come oldest first.
 *
 * <p>VMCOREINFO exports no offsets for a record's facility and log level; they are filled in
 * only where the exported offsets leave exactly the two bytes struct printk_info (and
 * printk_log) have kept for them since their introduction.
 */
public final class Printk {
    private Printk() {
    }

    /** The log of {@code kernel}. */
    public static PrintkLog log(Kernel kernel) {
        return log(kernel.memory(), kernel.vmcoreinfo(), kernel.dump().name());
    }

    /** The records of {@code kernel}'s log, oldest first. */
    public static List<PrintkRecord> records(Kernel kernel) {
        return log(kernel).records();
    }

    /**
     * The log read through {@code memory} with the layout {@code info} gives; {@code dump} names
     * the dump in messages.
     *
     * @throws KernelDataException when VMCOREINFO describes no supported log buffer or the
     *                             buffer breaks the kernel's rules
     */
    public static PrintkLog log(KernelMemory memory, VmcoreInfo info, String dump) {
        if (info.symbol("prb").isPresent()) return PrintkRing.read(memory, info, dump);
        if (info.symbol("log_first_idx").isPresent()) return PrintkLogBuffer.read(memory, info, dump);
        if (info.symbol("log_end").isPresent())
            throw new KernelDataException(dump + ": the kernel log is a plain character buffer (log_end, Linux before 3.5),"
                    + " which jkdump does not read");
        throw new KernelDataException(dump + ": VMCOREINFO has neither SYMBOL(prb) (Linux 5.10+) nor SYMBOL(log_first_idx)"
                + " (3.5-5.9): the kernel log cannot be found");
    }
}
