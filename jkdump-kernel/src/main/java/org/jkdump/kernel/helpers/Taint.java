package org.jkdump.kernel.helpers;

import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's taint mask ({@code tainted_mask}, kernel/panic.c) decoded into its flags.
 * The letters and their order follow the kernel's {@code taint_flags[]} table (the
 * "Tainted: G  D  O" string of an oops): bit i prints {@code letter} when set, else
 * {@code clear} ({@code 'G'} for bit 0, a blank otherwise).
 *
 * @param mask the raw mask
 */
public record Taint(long mask) {
    /** One taint bit: its letter when set, its letter when clear, its kernel name and what it means. */
    public record Flag(int bit, char letter, char clear, String name, String meaning) {
    }

    // include/linux/panic.h TAINT_* numbers and kernel/panic.c taint_flags[] letters (stable ABI:
    // /proc/sys/kernel/tainted exposes the same bits)
    public static final List<Flag> FLAGS = List.of(
            new Flag(0, 'P', 'G', "PROPRIETARY_MODULE", "proprietary module loaded"),
            new Flag(1, 'F', ' ', "FORCED_MODULE", "module force-loaded"),
            new Flag(2, 'S', ' ', "CPU_OUT_OF_SPEC", "CPU out of specification"),
            new Flag(3, 'R', ' ', "FORCED_RMMOD", "module force-unloaded"),
            new Flag(4, 'M', ' ', "MACHINE_CHECK", "machine check exception"),
            new Flag(5, 'B', ' ', "BAD_PAGE", "bad page referenced"),
            new Flag(6, 'U', ' ', "USER", "tainted by user request"),
            new Flag(7, 'D', ' ', "DIE", "kernel died recently (oops or BUG)"),
            new Flag(8, 'A', ' ', "OVERRIDDEN_ACPI_TABLE", "ACPI table overridden"),
            new Flag(9, 'W', ' ', "WARN", "kernel warning issued"),
            new Flag(10, 'C', ' ', "CRAP", "staging driver loaded"),
            new Flag(11, 'I', ' ', "FIRMWARE_WORKAROUND", "platform firmware bug worked around"),
            new Flag(12, 'O', ' ', "OOT_MODULE", "out-of-tree module loaded"),
            new Flag(13, 'E', ' ', "UNSIGNED_MODULE", "unsigned module loaded"),
            new Flag(14, 'L', ' ', "SOFTLOCKUP", "soft lockup occurred"),
            new Flag(15, 'K', ' ', "LIVEPATCH", "kernel live-patched"),
            new Flag(16, 'X', ' ', "AUX", "auxiliary taint (distribution-defined)"),
            new Flag(17, 'T', ' ', "RANDSTRUCT", "built with struct randomization plugin"),
            new Flag(18, 'N', ' ', "TEST", "in-kernel test run"));

    public boolean tainted() {
        return mask != 0;
    }

    /** The flags that are set, lowest bit first. */
    public List<Flag> set() {
        var l = new ArrayList<Flag>();
        for (var f : FLAGS) if ((mask & (1L << f.bit())) != 0) l.add(f);
        return l;
    }

    /** Bits set that this table does not know (a newer kernel). */
    public long unknownBits() {
        return mask & ~((1L << FLAGS.size()) - 1);
    }

    /** The kernel's print_tainted() string, e.g. {@code "G           O      "}; "Not tainted" when clear. */
    public String kernelString() {
        if (mask == 0) return "Not tainted";
        var sb = new StringBuilder();
        for (var f : FLAGS) sb.append((mask & (1L << f.bit())) != 0 ? f.letter() : f.clear());
        return sb.toString();
    }

    /** The letters of the set flags only ({@code "DO"}), as module taints print them. */
    public String letters() {
        var sb = new StringBuilder();
        for (var f : set()) sb.append(f.letter());
        return sb.toString();
    }
}
