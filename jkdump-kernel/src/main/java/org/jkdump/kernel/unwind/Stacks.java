package org.jkdump.kernel.unwind;

import java.util.List;
import java.util.Optional;

/**
 * The stacks one unwind may walk: the task's own stack and, for a task that was running on a
 * CPU, that CPU's IRQ and exception stacks. The unwinder reads stack memory only inside
 * these ranges, as the kernel's {@code stack_access_ok()} does, so a corrupt pointer ends the
 * backtrace instead of wandering through memory.
 */
public record Stacks(List<StackRange> ranges) {
    public Stacks {
        ranges = List.copyOf(ranges);
    }

    public static Stacks of(StackRange... ranges) {
        return new Stacks(List.of(ranges));
    }

    /** The stack holding {@code [address, address+length)}. */
    public Optional<StackRange> find(long address, int length) {
        for (var r : ranges) if (r.contains(address, length)) return Optional.of(r);
        return Optional.empty();
    }

    public Optional<StackRange> find(long address) {
        return find(address, 8);
    }

    public Stacks with(List<StackRange> more) {
        var all = new java.util.ArrayList<>(ranges);
        all.addAll(more);
        return new Stacks(all);
    }
}
