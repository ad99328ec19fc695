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

    /**
     * The stack of a stack pointer an exception saved: {@link #find}, or the task stack whose
     * guard page (the page below it, unmapped with CONFIG_VMAP_STACK) {@code sp} is in — where
     * a task that overflowed its stack took the double fault. The walk goes on from there: the
     * frames above lie on the stack itself.
     */
    public Optional<StackRange> findSaved(long sp) {
        var r = find(sp);
        if (r.isPresent()) return r;
        for (var t : ranges)
            if (t.kind() == StackRange.Kind.TASK && Long.compareUnsigned(sp, t.start()) < 0
                    && Long.compareUnsigned(sp, t.start() - GUARD) >= 0) return Optional.of(t);
        return Optional.empty();
    }

    /** The guard below a vmapped stack: one page (vmalloc's guard after the area before it). */
    private static final long GUARD = 4096;

    public Stacks with(List<StackRange> more) {
        var all = new java.util.ArrayList<>(ranges);
        all.addAll(more);
        return new Stacks(all);
    }
}
