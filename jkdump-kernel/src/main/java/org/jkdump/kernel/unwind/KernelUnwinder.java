package org.jkdump.kernel.unwind;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.jkdump.format.CpuState;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.KernelMemory;
import org.jkdump.kernel.ModuleList;
import org.jkdump.kernel.symbols.SymbolTable;

/**
 * Backtraces of a crashed kernel's tasks from the dump alone: the ORC tables of vmlinux and
 * of every module read from memory, the task, IRQ and exception stacks of each CPU, module
 * function names from the modules' own symbol tables, and the right start for each task —
 * the CPU's NT_PRSTATUS registers for a task that was running at the crash, the switch
 * frame at {@code thread.sp} for one that was not.
 */
public final class KernelUnwinder {
    /** More modules or module symbols than any system loads: a guard against a corrupt list. */
    private static final int MAX_MODULE_SYMBOLS = 1 << 20;
    /** Elf64_Sym (the ELF ABI): st_name u32 @0, st_info u8 @4, st_value u64 @8, st_size u64 @16. */
    private static final int ELF_SYM_SIZE = 24, ST_INFO = 4, ST_VALUE = 8, ST_SIZE = 16, STT_FUNC = 2;

    private final KernelMemory memory;
    private final SymbolTable symbols;
    private final long[] perCpuOffsets;
    private final List<CpuState> cpus;
    private final UnwindLayout layout;
    private final TextSymbols text;
    private final Unwinder unwinder;
    private final long hardirqStackPtr, ceaExceptionStacks;

    private KernelUnwinder(KernelMemory memory, SymbolTable symbols, TypeLayouts types, long[] perCpuOffsets, List<CpuState> cpus) {
        this.memory = memory;
        this.symbols = symbols;
        this.perCpuOffsets = perCpuOffsets.clone();
        this.cpus = List.copyOf(cpus);
        this.layout = UnwindLayout.resolve(types, symbols);
        var modules = new ArrayList<OrcTable>();
        var functions = new ArrayList<CodeSymbol>();
        readModules(modules, functions);
        this.text = new TextSymbols(symbols, functions);
        this.unwinder = new Unwinder(Orc.of(memory, vmlinuxTable(symbols), modules), text);
        this.hardirqStackPtr = perCpuAddress(types, "hardirq_stack_ptr", "pcpu_hot", "hardirq_stack_ptr");
        this.ceaExceptionStacks = perCpuAddress(types, "cea_exception_stacks", null, null);
    }

    /**
     * @param perCpuOffsets {@code __per_cpu_offset[0 .. nr_cpu_ids)}
     * @param cpus          the dump's NT_PRSTATUS registers, one per CPU
     */
    public static KernelUnwinder open(KernelMemory memory, SymbolTable symbols, TypeLayouts types, long[] perCpuOffsets,
                                      List<CpuState> cpus) {
        return new KernelUnwinder(memory, symbols, types, perCpuOffsets, cpus);
    }

    public Unwinder unwinder() {
        return unwinder;
    }

    public UnwindLayout layout() {
        return layout;
    }

    /**
     * The backtrace of {@code task}. {@code crashCpu} is the CPU it was running on when the
     * kernel crashed (crash's "active" task), whose NT_PRSTATUS note starts the unwind.
     */
    public Backtrace backtrace(long task, OptionalInt crashCpu) {
        var stacks = stacks(task, crashCpu);
        if (crashCpu.isPresent()) {
            int cpu = crashCpu.getAsInt();
            var state = cpus.stream().filter(c -> c.cpu() == cpu).findFirst();
            if (state.isPresent()) return unwinder.fromCrashRegisters(state.get().registers(), stacks);
        }
        long sp = memory.u64(task + layout.taskThreadSp());
        return unwinder.fromSwitchFrame(sp + layout.frameRetAddr(), memory.u64(sp + layout.frameBp()), stacks);
    }

    /** The stacks a task may be found on: its own, and when it ran on a CPU, that CPU's IRQ and exception stacks. */
    public Stacks stacks(long task, OptionalInt cpu) {
        var ranges = new ArrayList<StackRange>();
        long stack = memory.u64(task + layout.taskStack());
        ranges.add(new StackRange(StackRange.Kind.TASK, "process", stack, stack + layout.threadSize()));
        if (cpu.isPresent() && cpu.getAsInt() >= 0 && cpu.getAsInt() < perCpuOffsets.length) {
            int c = cpu.getAsInt();
            if (hardirqStackPtr != 0) {
                // hardirq_stack_ptr points at the last word of the IRQ stack (irq_init_percpu_irqstack)
                long top = memory.u64(hardirqStackPtr + perCpuOffsets[c]) + 8;
                if (top != 8) ranges.add(new StackRange(StackRange.Kind.IRQ, "IRQ", top - layout.threadSize(), top));
            }
            if (ceaExceptionStacks != 0) {
                long estacks = memory.u64(ceaExceptionStacks + perCpuOffsets[c]);
                if (estacks != 0)
                    for (var e : layout.exceptionStacks())
                        ranges.add(new StackRange(StackRange.Kind.EXCEPTION, e.name(), estacks + e.offset(), estacks + e.offset() + e.size()));
            }
        }
        return new Stacks(ranges);
    }

    /** The function holding {@code address}: module symbols first, then the kernel's text symbols. */
    public Optional<CodeSymbol> function(long address) {
        return text.function(address);
    }

    private long perCpuAddress(TypeLayouts types, String variable, String hotStruct, String hotMember) {
        var sym = symbols.address(variable);
        if (sym.isPresent()) return sym.getAsLong();
        // 6.2+ keeps hardirq_stack_ptr in struct pcpu_hot
        if (hotStruct != null) {
            var hot = symbols.address(hotStruct);
            if (hot.isPresent() && types.hasMember("struct " + hotStruct, hotMember))
                return hot.getAsLong() + types.offsetOf("struct " + hotStruct, hotMember);
        }
        return 0;
    }

    /** vmlinux's ORC table, from the linker symbols around it; its layout is detected by {@link Orc#of}. */
    public static OrcTable vmlinuxTable(SymbolTable symbols) {
        long ipStart = need(symbols, "__start_orc_unwind_ip"), ipStop = need(symbols, "__stop_orc_unwind_ip");
        long entries = need(symbols, "__start_orc_unwind");
        long count = (ipStop - ipStart) / 4;
        if (ipStop < ipStart || (ipStop - ipStart) % 4 != 0 || count > OrcTable.MAX_ENTRIES)
            throw new JkdumpException(String.format("the kernel's ORC table is malformed: __start_orc_unwind_ip 0x%x, __stop_orc_unwind_ip 0x%x", ipStart, ipStop));
        long textEnd = symbols.address("_einittext").orElse(need(symbols, "_etext"));
        return new OrcTable("vmlinux", ipStart, entries, (int) count, need(symbols, "_stext"), textEnd);
    }

    private static long need(SymbolTable symbols, String name) {
        return symbols.address(name).orElseThrow(() -> new JkdumpException(
                "cannot unwind: the kernel's symbols have no " + name + " (a kernel built without CONFIG_UNWINDER_ORC?)"));
    }

    private void readModules(List<OrcTable> tables, List<CodeSymbol> functions) {
        var head = symbols.address("modules");
        if (head.isEmpty()) return;
        var m = layout.module();
        long h = head.getAsLong();
        List<Long> nodes;
        try {
            nodes = ModuleList.nodes(memory, h, null);
        } catch (JkdumpException corrupt) {
            // a corrupt module list: the kernel's own frames still unwind, module code goes unnamed
            return;
        }
        for (long p : nodes) {
            long mod = p - m.list();
            var name = memory.cString(mod + m.name(), 56);
            long base = memory.u64(mod + m.textBase());
            long textSize = memory.u32(mod + m.textSize());
            long num = memory.u32(mod + m.numOrcs());
            if (num > 0 && num <= OrcTable.MAX_ENTRIES)
                tables.add(new OrcTable(name, memory.u64(mod + m.orcIp()), memory.u64(mod + m.orcEntries()), (int) num, base, base + textSize));
            if (symbols.symbolAt(base).isEmpty()) readModuleFunctions(mod, name, base, textSize, functions);
        }
    }

    /** A module's functions from its own ELF symbol table (module.kallsyms), when the symbol table lacks them. */
    private void readModuleFunctions(long mod, String name, long base, long textSize, List<CodeSymbol> out) {
        var m = layout.module();
        long ks = memory.u64(mod + m.kallsyms());
        if (ks == 0) return;
        long symtab = memory.u64(ks + m.symtab()), count = memory.u32(ks + m.numSymtab()), strtab = memory.u64(ks + m.strtab());
        if (count > MAX_MODULE_SYMBOLS)
            throw new JkdumpException(String.format("module %s at 0x%x claims %d symbols", name, mod, count));
        byte[] raw = memory.read(symtab, (int) count * ELF_SYM_SIZE);
        var bb = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            int at = i * ELF_SYM_SIZE;
            if ((raw[at + ST_INFO] & 0xf) != STT_FUNC) continue;
            long value = bb.getLong(at + ST_VALUE), size = bb.getLong(at + ST_SIZE);
            if (Long.compareUnsigned(value - base, textSize) >= 0) continue;
            var fname = memory.cString(strtab + Integer.toUnsignedLong(bb.getInt(at)), 256);
            out.add(new CodeSymbol(fname, value, size, Optional.of(name)));
        }
    }
}
