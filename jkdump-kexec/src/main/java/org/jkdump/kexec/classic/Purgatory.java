package org.jkdump.kexec.classic;

import java.util.List;
import java.util.Map;

/**
 * jkdump's purgatory: the code the kernel jumps to after a panic (relocate_kernel leaves the
 * CPU in 64-bit mode on identity-mapped page tables, interrupts off) that runs between the
 * two kernels. It
 * <ol>
 * <li>loads its own GDT and segment registers with the selectors the 64-bit boot protocol
 *     requires (__BOOT_CS 0x10, __BOOT_DS 0x18: Documentation/arch/x86/boot.rst), because the
 *     crashed kernel's GDT lives in memory nobody vouches for any more;</li>
 * <li>verifies the SHA-256 of every other segment ({@link Sha256Routine}) against the digest
 *     the loader stored here ({@link SegmentDigest}), as kexec-tools' purgatory does: the
 *     regions, in segment order, with each segment's full memsz (the kernel zero-fills past
 *     bufsz when loading);</li>
 * <li>copies the low memory the capture kernel will reuse ({@link CrashMemoryMap#backupSource})
 *     into the backup segment, where the core header tells /proc/vmcore to find it — after the
 *     check, since the backup segment is one of the verified regions;</li>
 * <li>jumps to the capture kernel's startup_64 with %rsi = boot_params and the other
 *     argument registers cleared.</li>
 * </ol>
 * On a digest mismatch it does not jump: it halts, in a loop because an SMI ends hlt even with
 * interrupts off (an NMI would meet the empty IDT machine_kexec leaves and reset the machine,
 * which does not boot the image either). Halting rather than spinning leaves a virtual CPU idle
 * (measured in the drill, see the tests' drill-classic-flip-6.1). Something overwrote the capture kernel, its initramfs, boot
 * parameters or the core header after loading; booting it anyway could run arbitrary bytes
 * with the crashed system's memory — the very thing the dump is meant to save — underneath,
 * and a capture that boots from corrupt parameters may write a wrong dump that looks right.
 * A machine that stays hung is visible (and a hardware or hypervisor watchdog resets it).
 * kexec-tools spins forever in the same case. The purgatory segment itself is not verified:
 * the digest is stored in it, and its stack changes while it runs.
 *
 * <p>The code is position independent except for the GDT pointer, whose base is absolute:
 * {@link #assemble} writes it for the address the purgatory is loaded at.
 */
public final class Purgatory {
    /**
     * The values the purgatory needs, all physical addresses (identity-mapped when it runs).
     *
     * @param hashed the regions to verify, in order (at most {@value Sha256Routine#REGIONS})
     * @param digest their SHA-256 as one message
     */
    public record Parameters(long loadAddress, long backupSource, long backupTarget, long backupSize, long bootParams,
                             long kernelEntry, List<HashedRegion> hashed, byte[] digest) {
        public Parameters {
            hashed = List.copyOf(hashed);
            digest = digest.clone();
        }

        /** Placeholder values of the right shape: the purgatory's size does not depend on them. */
        static Parameters sizing() {
            return new Parameters(0, 0, 0, 0, 0, 0, List.of(), new byte[DIGEST_BYTES]);
        }
    }

    /** One entry of the purgatory's region table: {@code length} bytes at physical {@code start}. */
    public record HashedRegion(long start, long length) {
    }

    /**
     * The assembled code and its listing.
     *
     * @param sha256Offset where {@link Sha256Routine#ENTRY} starts (a SysV function: rdi = region table, rsi = 32-byte output)
     * @param labels every label's offset
     */
    public record Code(byte[] bytes, int entryOffset, int sha256Offset, Map<String, Integer> labels, List<String> listing,
                       String gnuAs) {
    }

    static final int BOOT_CS = 0x10, BOOT_DS = 0x18;
    /** 64-bit code segment: base 0, limit 4 GiB, present, ring 0, execute/read, L=1 (long mode). */
    static final long GDT_CODE64 = 0x00af9a000000ffffL;
    /** Data segment: base 0, limit 4 GiB, present, ring 0, read/write, 32-bit default size. */
    static final long GDT_DATA = 0x00cf92000000ffffL;
    /** Enough for the far return, the SHA-256 frame and its calls (about 500 bytes), with room to spare. */
    static final int STACK_BYTES = 1024;
    static final int DIGEST_BYTES = 32;
    static final int PAGE = 4096;

    private Purgatory() {
    }

    /** Emits the purgatory for the given addresses. */
    public static Code assemble(Parameters p) {
        if (p.hashed().size() > Sha256Routine.REGIONS)
            throw new IllegalArgumentException(p.hashed().size() + " regions to verify; the table holds " + Sha256Routine.REGIONS);
        if (p.digest().length != DIGEST_BYTES) throw new IllegalArgumentException("digest of " + p.digest().length + " bytes");
        var c = X86Code.relax(code -> emit(code, p));
        byte[] bytes = c.bytes();
        var listing = c.lines().stream().map(l -> l.bytes().length == 0 && l.asm().endsWith(":") ? l.asm()
                : String.format("  %04x  %-24s %-34s %s", l.offset(), hex(bytes, l.offset(), Math.min(l.bytes().length, 8)),
                l.asm(), l.comment().isEmpty() ? "" : "# " + l.comment()).stripTrailing()).toList();
        var gnu = new StringBuilder(".text\n.code64\n");
        c.lines().forEach(l -> gnu.append(l.asm().endsWith(":") ? l.asm() : "\t" + l.asm()).append('\n'));
        return new Code(bytes, c.offsetOf("purgatory_start"), c.offsetOf(Sha256Routine.ENTRY), c.labels(), listing,
                gnu.toString());
    }

    private static void emit(X86Code c, Parameters p) {
        c.label("purgatory_start")
                .op("cli", "no interrupts: nothing to handle them until the capture kernel sets up its IDT", 0xfa)
                .op("cld", "string operations go upwards", 0xfc)
                .ripRelative("leaq stack_end(%rip), %rsp", "a stack of our own for the far return and the SHA-256 routine",
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
                .op("pushq %rax", "its offset for lretq", 0x50)
                .op("lretq", "reload CS from our GDT", 0x48, 0xcb)
                .label("reloaded")
                .imm("sub", 5, 8, DIGEST_BYTES, X86Code.RSP, "room for the digest we compute")
                .ripRelative("leaq sha256_regions(%rip), %rdi", "the regions the loader hashed",
                        "sha256_regions", 0x48, 0x8d, 0x3d)
                .rr("mov", 0x89, 8, X86Code.RSP, X86Code.RSI, "the digest goes on the stack")
                .call(Sha256Routine.ENTRY, "their SHA-256 as they are now")
                .rr("mov", 0x89, 8, X86Code.RSP, X86Code.RSI, "ours")
                .ripRelative("leaq sha256_digest(%rip), %rdi", "against the loader's", "sha256_digest", 0x48, 0x8d, 0x3d)
                .movImm(DIGEST_BYTES, X86Code.RCX, "32 bytes")
                .op("repe cmpsb", "compare while equal", 0xf3, 0xa6)
                .jump("jne", 5, "digest_mismatch", "something overwrote a segment: do not boot it")
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
                .op("xorl %edi, %edi", "nor a first argument", 0x31, 0xff)
                .op("jmpq *%rax", "into the capture kernel; never returns", 0xff, 0xe0)
                .label("digest_mismatch")
                .op("hlt", "stop here for good (see the class comment);", 0xf4)
                .jmp("digest_mismatch", "an NMI ends hlt, so halt again");
        Sha256Routine.emitCode(c);
        c.align(8)
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
                .label("sha256_regions");
        for (int i = 0; i < Sha256Routine.REGIONS; i++) {
            var r = i < p.hashed().size() ? p.hashed().get(i) : new HashedRegion(0, 0);
            c.quad(r.start(), i < p.hashed().size() ? "region " + i + " start" : "unused").quad(r.length(), i < p.hashed().size() ? "length" : "");
        }
        var digest = java.nio.ByteBuffer.wrap(p.digest()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        c.label("sha256_digest");
        for (int i = 0; i < DIGEST_BYTES / 8; i++) c.quad(digest.getLong(), i == 0 ? "the loader's digest, as stored bytes" : "");
        Sha256Routine.emitData(c);
        // the stack (and with it the SHA-256 frame, written ~100 times per block) on a page of its
        // own: stores into a page holding code cost a self-modifying-code check on real CPUs and
        // make QEMU's TCG throw away its translation of that page
        c.align(PAGE)
                .zeros(STACK_BYTES, "stack")
                .label("stack_end");
    }

    private static String hex(byte[] b, int off, int len) {
        var s = new StringBuilder();
        for (int i = 0; i < len; i++) s.append(String.format("%02x ", b[off + i]));
        return s.toString().strip();
    }
}
