package org.jkdump.kernel;

import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.btf.BtfType;

/**
 * Per-CPU variables (include/linux/percpu-defs.h): a per-cpu symbol's value is an offset
 * into the per-cpu area, and CPU n's copy lives at that offset plus
 * {@code __per_cpu_offset[n]}. This holds the offsets of the CPUs the kernel set up
 * ({@code nr_cpu_ids} of them) and turns a per-cpu address into a CPU's object.
 */
public final class PerCpu {
    /** CONFIG_NR_CPUS may be at most 8192 on x86-64 (MAXSMP). */
    public static final int MAX_CPUS = 8192;

    private final long[] offsets;

    private PerCpu(long[] offsets) {
        this.offsets = offsets;
    }

    /** Reads {@code __per_cpu_offset[0 .. cpus)} from the array at {@code perCpuOffsetArray}. */
    public static PerCpu read(KernelMemory memory, long perCpuOffsetArray, int cpus) {
        if (cpus < 1 || cpus > MAX_CPUS) throw new JkdumpException("nr_cpu_ids " + cpus + " is not between 1 and " + MAX_CPUS);
        var offsets = new long[cpus];
        for (int cpu = 0; cpu < cpus; cpu++) {
            long at = perCpuOffsetArray + 8L * cpu;
            try {
                offsets[cpu] = memory.u64(at);
            } catch (JkdumpException e) {
                throw new ObjectReadException(String.format("cannot read __per_cpu_offset[%d] at 0x%016x: %s", cpu, at, e.getMessage()), at, e);
            }
        }
        return new PerCpu(offsets);
    }

    public int cpus() {
        return offsets.length;
    }

    /** {@code __per_cpu_offset[cpu]}. */
    public long offset(int cpu) {
        if (cpu < 0 || cpu >= offsets.length) throw new JkdumpException("CPU " + cpu + " does not exist (nr_cpu_ids is " + offsets.length + ")");
        return offsets[cpu];
    }

    /** {@code per_cpu_ptr(ptr, cpu)}: CPU {@code cpu}'s copy of the per-cpu address {@code perCpuAddress}. */
    public long address(long perCpuAddress, int cpu) {
        return perCpuAddress + offset(cpu);
    }

    /** {@code per_cpu(var, cpu)} for a variable of {@code type} at per-cpu address {@code perCpuAddress}, named {@code name}. */
    public KObject object(Types types, KernelMemory memory, BtfType type, long perCpuAddress, int cpu, String name) {
        return KObject.at(types, memory, type, address(perCpuAddress, cpu), "per_cpu(" + name + ", " + cpu + ")");
    }

    /**
     * {@code per_cpu(name, cpu)} for a per-cpu variable BTF describes: on x86-64 the
     * .data..percpu section is linked at address 0, so the variable's offset in that
     * DATASEC is its per-cpu address, and no symbol table is needed.
     */
    public KObject variable(Types types, KernelMemory memory, String name, int cpu) {
        var v = types.variable(name).orElseThrow(() -> new UnknownTypeException("no variable " + name + " in " + types.btf().name()));
        if (!v.section().equals(".data..percpu"))
            throw new UnknownTypeException(name + " is in section " + v.section() + ", not a per-cpu variable");
        return object(types, memory, v.type(), v.offset(), cpu, name);
    }
}
