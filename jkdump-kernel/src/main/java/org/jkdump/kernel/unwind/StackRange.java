package org.jkdump.kernel.unwind;

/**
 * One kernel stack: where it lies ({@code [start, end)}), what it is for, and the name crash
 * uses for it ("NMI", "DOUBLEFAULT", "IRQ", ...).
 */
public record StackRange(Kind kind, String name, long start, long end) {
    /** The kinds of stack an x86-64 kernel runs on. */
    public enum Kind {
        /** a task's own kernel stack ({@code task_struct.stack}, THREAD_SIZE bytes) */
        TASK,
        /** a CPU's hard-interrupt stack ({@code hardirq_stack_ptr}) */
        IRQ,
        /** one of a CPU's IST exception stacks in its cpu_entry_area (NMI, #DF, #DB, #MC, #VC) */
        EXCEPTION,
        /** a CPU's entry trampoline stack (cpu_entry_area.entry_stack_page) */
        ENTRY
    }

    public boolean contains(long address, int length) {
        return Long.compareUnsigned(address, start) >= 0
                && Long.compareUnsigned(address + length, end) <= 0
                && Long.compareUnsigned(address + length, address) >= 0;
    }

    /** How crash labels a switch away from this stack: {@code <NMI exception stack>}, {@code <IRQ stack>}. */
    public String label() {
        return switch (kind) {
            case TASK -> "<process stack>";
            case IRQ -> "<IRQ stack>";
            case EXCEPTION -> "<" + name + " exception stack>";
            case ENTRY -> "<entry trampoline stack>";
        };
    }
}
