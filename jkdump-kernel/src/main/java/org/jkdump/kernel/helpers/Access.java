package org.jkdump.kernel.helpers;

import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.KObject;
import org.jkdump.kernel.Kernel;

/**
 * The few ways helpers reach the kernel model: a global variable by symbol with its type
 * named by the helper (kernel BTF describes only per-cpu variables), an object at an
 * address, a per-cpu variable's copy for one CPU.
 */
final class Access {
    private Access() {
    }

    static long symbol(Kernel k, String name) {
        return k.symbols().address(name).orElseThrow(() -> new JkdumpException("symbol " + name + " not found in the kernel's symbols"));
    }

    static boolean hasSymbol(Kernel k, String name) {
        return k.symbols().address(name).isPresent();
    }

    /** The global {@code name}, of type {@code typeSpec} ("struct task_struct", "unsigned long"). */
    static KObject global(Kernel k, String typeSpec, String name) {
        return KObject.at(k.types(), k.memory(), k.types().type(typeSpec), symbol(k, name), name);
    }

    static KObject object(Kernel k, String typeSpec, long address) {
        return KObject.at(k.types(), k.memory(), typeSpec, address);
    }

    /** {@code per_cpu_ptr(&name, cpu)}: the per-cpu symbol's address plus {@code __per_cpu_offset[cpu]}. */
    static long perCpu(Kernel k, String name, int cpu) {
        long offsets = symbol(k, "__per_cpu_offset");
        return symbol(k, name) + k.memory().u64(offsets + 8L * cpu);
    }
}
