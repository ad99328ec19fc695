package org.jkdump.crash;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.OptionalInt;
import org.jkdump.crash.commands.BtContext;
import org.jkdump.crash.commands.BtTask;
import org.jkdump.kernel.KernelMemory;
import org.jkdump.kernel.MissingVirtualPageException;
import org.jkdump.kernel.ObjectReadException;
import org.jkdump.kernel.helpers.Cpus;
import org.jkdump.kernel.helpers.Tasks;
import org.jkdump.kernel.unwind.BtfTypeLayouts;
import org.jkdump.kernel.unwind.KernelUnwinder;

/**
 * What {@code bt} reads, from a session: its task list with the CPU each active task was
 * running on, its context task, and one ORC unwinder over the kernel, built on first use.
 */
final class SessionBacktraces implements BtContext {
    private final Session session;

    SessionBacktraces(Session session) {
        this.session = session;
    }

    @Override
    public List<BtTask> tasks() {
        var active = new HashMap<Long, Integer>();
        var curr = Tasks.active(session.kernel());
        var present = Cpus.present(session.kernel());
        for (int i = 0; i < curr.size() && i < present.size(); i++) active.put(curr.get(i), present.get(i));
        var out = new ArrayList<BtTask>();
        List<Tasks.Task> all;
        try {
            all = session.tasks();
        } catch (ObjectReadException e) {
            if (!(e.getCause() instanceof MissingVirtualPageException)) throw e;
            // the task list runs through a page the dump lacks (makedumpfile 1.7.2 drops slab
            // pages of 6.12 kernels): the tasks on the CPUs still give bt and bt -a
            all = curr.stream().distinct().map(a -> Tasks.read(session.kernel(), a)).toList();
        }
        for (var t : all) {
            var cpu = active.get(t.address());
            out.add(new BtTask(t.address(), t.pid(), t.cpu(), t.comm(), cpu == null ? OptionalInt.empty() : OptionalInt.of(cpu)));
        }
        return out;
    }

    @Override
    public long contextTask() {
        return session.context();
    }

    @Override
    public KernelUnwinder unwinder() {
        return session.unwinder();
    }

    @Override
    public boolean cpuRegistersShown() {
        var dump = session.kernel().dump();
        return dump.format() != org.jkdump.format.DumpFormat.ELF || dump.notes().stream().anyMatch(n -> n.name().equals("QEMU"));
    }

    @Override
    public KernelMemory memory() {
        return session.kernel().memory();
    }
}
