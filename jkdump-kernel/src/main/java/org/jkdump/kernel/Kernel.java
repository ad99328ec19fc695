package org.jkdump.kernel;

import org.jkdump.format.DumpFile;
import org.jkdump.format.JkdumpException;
import org.jkdump.format.VmcoreInfo;

/**
 * The crashed kernel as a dump shows it — the model everything above the format layer reads
 * (drgn's Program). {@link #open} finds what it can inside the dump itself: VMCOREINFO and,
 * through it, the kernel's virtual memory. The dump stays owned by the caller.
 */
public final class Kernel {
    private final DumpFile dump;
    private final VmcoreInfo vmcoreinfo;
    private final AddressSpace memory;

    private Kernel(DumpFile dump, VmcoreInfo vmcoreinfo, AddressSpace memory) {
        this.dump = dump;
        this.vmcoreinfo = vmcoreinfo;
        this.memory = memory;
    }

    /**
     * Opens the kernel held by {@code dump}.
     *
     * @throws JkdumpException when the dump has no VMCOREINFO note (it says where the page
     *                         tables, the log and the kernel's structures are)
     */
    public static Kernel open(DumpFile dump) {
        var info = dump.vmcoreinfo().orElseThrow(() -> new JkdumpException(dump.name()
                + ": the dump has no VMCOREINFO note (a QEMU dump made without -device vmcoreinfo?):"
                + " the kernel cannot be located"));
        return new Kernel(dump, info, AddressSpace.kernel(dump));
    }

    public DumpFile dump() {
        return dump;
    }

    public VmcoreInfo vmcoreinfo() {
        return vmcoreinfo;
    }

    /** The kernel's virtual memory. */
    public AddressSpace memory() {
        return memory;
    }
}
