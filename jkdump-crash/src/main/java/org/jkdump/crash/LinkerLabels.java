package org.jkdump.crash;

import java.util.Set;

/**
 * Symbols the kernel's linker script defines as bare labels (include/asm-generic/vmlinux.lds.h,
 * arch/x86/kernel/vmlinux.lds.S): {@code init_stack}, {@code _edata}, {@code __start_SECTION},
 * ... They have no size in the vmlinux symbol table, and gdb never names a data address by a
 * size-less symbol, so crash prints {@code stack = 0xffffffff9fc00000} for init_task where the
 * nearest kallsyms name is {@code init_stack}. kallsyms keeps no sizes, so the labels are
 * known by name: the fixed ones below and the {@code __start_}/{@code __stop_}/{@code __end_}
 * families the script makes for its sections.
 */
final class LinkerLabels {
    private static final Set<String> NAMES = Set.of("init_stack", "init_thread_union", "_sdata", "_edata", "__bss_start",
            "__bss_stop", "_end", "__init_begin", "__init_end", "__per_cpu_load", "__per_cpu_start", "__per_cpu_end",
            "__nosave_begin", "__nosave_end", "__brk_base", "__brk_limit", "_sinittext", "_einittext");

    private LinkerLabels() {
    }

    static boolean isLabel(String name) {
        return NAMES.contains(name) || name.startsWith("__start_") || name.startsWith("__stop_") || name.startsWith("__end_");
    }
}
