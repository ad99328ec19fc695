package org.jkdump.crash.commands;

import java.util.List;
import org.jkdump.kernel.KernelMemory;
import org.jkdump.kernel.unwind.KernelUnwinder;

/** What {@code bt} reads from a session: the tasks, the context task, the unwinder and memory. */
public interface BtContext {
    /** Every task, idle tasks included, in pid order (crash's foreach order). */
    List<BtTask> tasks();

    /** The context task's address ({@code set}, by default the panic task). */
    long contextTask();

    KernelUnwinder unwinder();

    KernelMemory memory();

    /**
     * Whether crash prints the CPU note's registers where a walk starts from them: for the
     * kdump-compressed formats and QEMU's ELF dumps (which carry "QEMU" notes), not for a
     * kernel's own ELF /proc/vmcore copy.
     */
    default boolean cpuRegistersShown() {
        return true;
    }
}
