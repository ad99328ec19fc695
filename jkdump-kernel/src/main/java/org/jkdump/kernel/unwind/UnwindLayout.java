package org.jkdump.kernel.unwind;

import java.util.ArrayList;
import java.util.List;
import org.jkdump.kernel.symbols.SymbolTable;

/**
 * Where the kernel structures the unwinder reads keep their fields, resolved once from BTF
 * (crash's offset table, typed). Layout differences between kernels are feature checks:
 * {@code struct module} has {@code core_layout} up to 6.3 and {@code mem[]} from 6.4.
 *
 * @param taskStack       task_struct.stack
 * @param taskThreadSp    task_struct.thread.sp: the saved kernel SP of a task switched out
 * @param frameRetAddr    inactive_task_frame.ret_addr (relative to thread.sp)
 * @param frameBp         inactive_task_frame.bp
 * @param threadSize      THREAD_SIZE (from the size of init_stack), also the IRQ stack size
 * @param exceptionStacks the IST stacks of struct cea_exception_stacks, in member order
 * @param module          the struct module members module ORC tables are found through
 */
public record UnwindLayout(long taskStack, long taskThreadSp, long frameRetAddr, long frameBp, long threadSize,
                           List<ExceptionStack> exceptionStacks, ModuleLayout module) {

    /** THREAD_SIZE on x86-64 without KASAN: 4 pages (arch/x86/include/asm/page_64_types.h). */
    static final long DEFAULT_THREAD_SIZE = 16 * 1024;

    /** One member of struct cea_exception_stacks that is a stack (not a guard page), with crash's name for it. */
    public record ExceptionStack(String member, String name, long offset, long size) {
    }

    /**
     * struct module's ORC and text members.
     *
     * @param list       module.list
     * @param name       module.name
     * @param textBase   core_layout.base (≤ 6.3) or mem[MOD_TEXT].base (≥ 6.4)
     * @param textSize   core_layout.text_size or mem[MOD_TEXT].size
     * @param numOrcs    arch.num_orcs
     * @param orcIp      arch.orc_unwind_ip
     * @param orcEntries arch.orc_unwind
     * @param kallsyms   module.kallsyms (struct mod_kallsyms *), with its symtab, num_symtab, strtab
     */
    public record ModuleLayout(long list, long name, long textBase, long textSize, long numOrcs, long orcIp,
                               long orcEntries, long kallsyms, long symtab, long numSymtab, long strtab) {
    }

    public static UnwindLayout resolve(TypeLayouts types, SymbolTable symbols) {
        var task = "struct task_struct";
        var frame = "struct inactive_task_frame";
        long threadSize = DEFAULT_THREAD_SIZE;
        var init = symbols.address("init_stack");
        var end = symbols.address("__end_init_task");
        if (init.isPresent() && end.isPresent() && end.getAsLong() - init.getAsLong() > 0
                && end.getAsLong() - init.getAsLong() <= (1 << 20))
            threadSize = end.getAsLong() - init.getAsLong();
        return new UnwindLayout(types.offsetOf(task, "stack"), types.offsetOf(task, "thread.sp"),
                types.offsetOf(frame, "ret_addr"), types.offsetOf(frame, "bp"), threadSize,
                exceptionStacks(types), module(types));
    }

    /** crash's names for the IST stacks (its "--- <NMI exception stack> ---" lines). */
    private static String crashName(String member) {
        return switch (member) {
            case "DF_stack" -> "DOUBLEFAULT";
            case "NMI_stack" -> "NMI";
            case "DB_stack", "DB1_stack" -> "DEBUG";
            case "MCE_stack" -> "MCE";
            case "VC_stack" -> "VC";
            case "VC2_stack" -> "VC2";
            default -> member.replace("_stack", "");
        };
    }

    private static List<ExceptionStack> exceptionStacks(TypeLayouts types) {
        var out = new ArrayList<ExceptionStack>();
        if (!types.hasType("struct cea_exception_stacks")) return out;
        for (var m : types.members("struct cea_exception_stacks")) {
            // the stacks, not their guard pages (DF_stack_guard, ..., IST_top_guard)
            if (m.name().endsWith("_stack") && m.size() > 0)
                out.add(new ExceptionStack(m.name(), crashName(m.name()), m.offset(), m.size()));
        }
        return out;
    }

    private static ModuleLayout module(TypeLayouts types) {
        var m = "struct module";
        long textBase, textSize;
        if (types.hasMember(m, "core_layout")) {
            textBase = types.offsetOf(m, "core_layout.base");
            textSize = types.offsetOf(m, "core_layout.text_size");
        } else {
            // 6.4+: struct module_memory mem[MOD_MEM_NUM_TYPES], MOD_TEXT = 0
            textBase = types.offsetOf(m, "mem") + types.offsetOf("struct module_memory", "base");
            textSize = types.offsetOf(m, "mem") + types.offsetOf("struct module_memory", "size");
        }
        var ks = "struct mod_kallsyms";
        return new ModuleLayout(types.offsetOf(m, "list"), types.offsetOf(m, "name"), textBase, textSize,
                types.offsetOf(m, "arch.num_orcs"), types.offsetOf(m, "arch.orc_unwind_ip"),
                types.offsetOf(m, "arch.orc_unwind"), types.offsetOf(m, "kallsyms"),
                types.offsetOf(ks, "symtab"), types.offsetOf(ks, "num_symtab"), types.offsetOf(ks, "strtab"));
    }
}
