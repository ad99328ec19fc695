package org.jkdump.kexec.classic;

import java.util.List;

/**
 * jkdump's purgatory: the code the kernel jumps to after a panic (relocate_kernel leaves the
 * CPU in 64-bit mode on identity-mapped page tables, interrupts off) that runs between the
 * two kernels. It
 * <ol>
 * <li>loads its own GDT and segment registers with the selectors the 64-bit boot protocol
 *     requires (__BOOT_CS 0x10, __BOOT_DS 0x18: Documentation/arch/x86/boot.rst), because the
 *     crashed kernel's GDT lives in memory nobody vouches for any more;</li>
 * <li>copies the low memory the capture kernel will reuse ({@link CrashMemoryMap#backupSource})
 *     into the backup segment, where the core header tells /proc/vmcore to find it;</li>
 * <li>jumps to the capture kernel's startup_64 with %rsi = boot_params and the other
 *     argument registers cleared.</li>
 * </ol>
 * It does not verify SHA-256 digests of the segments as kexec-tools' purgatory does. That check
 * guards against the crashed kernel having scribbled over the loaded image; on x86-64 the
 * kernel already unmaps the crashkernel= reservation from its direct map once the image is
 * loaded (arch_kexec_protect_crashkres), so a stray write through the direct map cannot reach
 * it, and the capture either boots or visibly does not. Leaving it out keeps this code short
 * enough to check instruction by instruction.
 *
 * <p>The code is position independent except for the GDT pointer, whose base is absolute:
 * {@link #assemble} writes it for the address the purgatory is loaded at.
 */
public final class Purgatory {
    /** The values the purgatory needs, all physical addresses (identity-mapped when it runs). */
    public record Parameters(long loadAddress, long backupSource, long backupTarget, long backupSize, long bootParams,
                             long kernelEntry) {
    }

    /** The assembled code and its listing. */
    public record Code(byte[] bytes, int entryOffset, List<String> listing, String gnuAs) {
    }

    static final int BOOT_CS = 0x10, BOOT_DS = 0x18;
    /** 64-bit code segment: base 0, limit 4 GiB, present, ring 0, execute/read, L=1 (long mode). */
    static final long GDT_CODE64 = 0x00af9a000000ffffL;
    /** Data segment: base 0, limit 4 GiB, present, ring 0, read/write, 32-bit default size. */
    static final long GDT_DATA = 0x00cf92000000ffffL;
    static final int STACK_BYTES = 64;

    private Purgatory() {
    }

    /** Emits the purgatory for the given addresses. */
    public static Code assemble(Parameters p) {
        var c = new X86Code();
        c.label("purgatory_start")
                .op("cli", "no interrupts: nothing to handle them until the capture kernel sets up its IDT", 0xfa)
                .op("cld", "string copies go upwards", 0xfc)
                .ripRelative("leaq stack_end(%rip), %rsp", "a small stack of our own for the far return below",
                        "stack_end", 0x48, 0x8d, 0x25)
                .ripRelative("lgdt gdt_pointer(%rip)", "our GDT: the crashed kernel's may be damaged",
                        "gdt_pointer", 0x0f, 0x01, 0x15)
                .op("movl $0x18, %eax", "__BOOT_DS", 0xb8, BOOT_DS, 0, 0, 0)
                .op("movl %eax, %ds", "data segments from our GDT", 0x8e, 0xd8)
                .op("movl %eax, %es", "", 0x8e, 0xc0)
                .op("movl %eax, %ss", "", 0x8e, 0xd0)
                .op("movl %eax, %fs", "", 0x8e, 0xe0)
                .op("movl %eax, %gs", "", 0x8e, 0xe8)
                .op("pushq $0x10", "__BOOT_CS for the far return", 0x6a, BOOT_CS)
                .ripRelative("leaq reloaded(%rip), %rax", "and the place to return to", "reloaded", 0x48, 0x8d, 0x05)
                .op("pushq %rax", "", 0x50)
                .op("lretq", "reload CS from our GDT", 0x48, 0xcb)
                .label("reloaded")
                .ripRelative("movq backup_size(%rip), %rcx", "bytes of low memory to save (0: none)",
                        "backup_size", 0x48, 0x8b, 0x0d)
                .ripRelative("movq backup_source(%rip), %rsi", "from the low memory the capture kernel will reuse",
                        "backup_source", 0x48, 0x8b, 0x35)
                .ripRelative("movq backup_target(%rip), %rdi", "to the backup segment the core header points at",
                        "backup_target", 0x48, 0x8b, 0x3d)
                .op("rep movsb", "copy rcx bytes", 0xf3, 0xa4)
                .ripRelative("movq boot_params(%rip), %rsi", "64-bit boot protocol: rsi = struct boot_params",
                        "boot_params", 0x48, 0x8b, 0x35)
                .ripRelative("movq kernel_entry(%rip), %rax", "startup_64: load address + 0x200",
                        "kernel_entry", 0x48, 0x8b, 0x05)
                .op("xorl %ebx, %ebx", "rbx 0: the boot CPU, as kexec-tools passes it", 0x31, 0xdb)
                .op("xorl %ebp, %ebp", "no frame to unwind into", 0x31, 0xed)
                .op("xorl %edi, %edi", "", 0x31, 0xff)
                .op("jmpq *%rax", "into the capture kernel; never returns", 0xff, 0xe0)
                .align(8)
                .label("gdt")
                .quad(0, "null descriptor")
                .quad(0, "unused (selector 0x08)")
                .quad(GDT_CODE64, "0x10 __BOOT_CS: 64-bit code")
                .quad(GDT_DATA, "0x18 __BOOT_DS: data");
        long gdtAddress = p.loadAddress() + c.offsetOf("gdt");
        c.label("gdt_pointer")
                .word(4 * 8 - 1, "GDT limit: 4 descriptors")
                .quad(gdtAddress, "GDT base: absolute, relocated to the load address")
                .align(8)
                .label("backup_source").quad(p.backupSource(), "")
                .label("backup_target").quad(p.backupTarget(), "")
                .label("backup_size").quad(p.backupSize(), "")
                .label("boot_params").quad(p.bootParams(), "")
                .label("kernel_entry").quad(p.kernelEntry(), "")
                .zeros(STACK_BYTES, "stack")
                .label("stack_end");
        byte[] bytes = c.bytes();
        var listing = c.lines().stream().map(l -> l.bytes().length == 0 && l.asm().endsWith(":") ? l.asm()
                : String.format("  %04x  %-24s %-34s %s", l.offset(), hex(bytes, l.offset(), Math.min(l.bytes().length, 8)),
                l.asm(), l.comment().isEmpty() ? "" : "# " + l.comment()).stripTrailing()).toList();
        var gnu = new StringBuilder(".text\n.code64\n");
        c.lines().forEach(l -> gnu.append(l.asm().endsWith(":") ? l.asm() : "\t" + l.asm()).append('\n'));
        return new Code(bytes, c.offsetOf("purgatory_start"), listing, gnu.toString());
    }

    private static String hex(byte[] b, int off, int len) {
        var s = new StringBuilder();
        for (int i = 0; i < len; i++) s.append(String.format("%02x ", b[off + i]));
        return s.toString().strip();
    }
}
