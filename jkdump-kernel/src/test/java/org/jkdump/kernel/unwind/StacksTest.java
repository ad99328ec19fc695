package org.jkdump.kernel.unwind;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which stack an address lies on. */
class StacksTest {
    // the task stack and #DF stack of the drill's kernel stack overflow (6.1, --crash stack)
    private static final StackRange TASK = new StackRange(StackRange.Kind.TASK, "process", 0xffffc9df00424000L, 0xffffc9df00428000L);
    private static final StackRange DF = new StackRange(StackRange.Kind.EXCEPTION, "DOUBLEFAULT", 0xfffffe000000a000L, 0xfffffe000000b000L);
    private final Stacks stacks = Stacks.of(TASK, DF);

    @Test
    void aStackPointerInTheTaskStacksGuardPageIsTheOverflowedTaskStackForSavedRegistersOnly() {
        // the double fault's pt_regs: the task's RSP 0x78 bytes below its stack, in the guard page
        assertThat(stacks.find(0xffffc9df00423f88L)).isEmpty();
        assertThat(stacks.findSaved(0xffffc9df00423f88L)).contains(TASK);
        assertThat(stacks.findSaved(0xffffc9df00424190L)).contains(TASK);
        assertThat(stacks.findSaved(0xfffffe000000af58L)).contains(DF);
        // more than the guard page below, or above the stack: nowhere
        assertThat(stacks.findSaved(0xffffc9df00422ff8L)).isEmpty();
        assertThat(stacks.findSaved(0xffffc9df00428000L)).isEmpty();
    }
}
