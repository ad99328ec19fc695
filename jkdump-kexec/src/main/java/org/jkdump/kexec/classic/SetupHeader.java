package org.jkdump.kexec.classic;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.jkdump.format.JkdumpException;

/**
 * The setup header of an x86 bzImage as a 64-bit boot loader uses it (struct setup_header,
 * arch/x86/include/uapi/asm/bootparam.h; Documentation/arch/x86/boot.rst). The classic loader
 * needs more of it than kexec_file_load's checks: where the protected-mode kernel starts in
 * the file, its 64-bit entry, alignment, preferred address and run-time size, and the raw
 * header bytes, which are copied into the capture kernel's boot_params.
 *
 * @param setupBytes    bytes of the real-mode part before the kernel proper: (setup_sects + 1) * 512
 * @param rawHeader     the header as found at 0x1f1 (length from the jump at 0x200), to copy into boot_params
 */
public record SetupHeader(String file, int setupBytes, int protocol, int loadflags, long initrdAddrMax, long kernelAlignment,
                          boolean relocatable, int xloadflags, long cmdlineSize, long prefAddress, long initSize,
                          byte[] rawHeader) {
    // offsets in the file and in struct boot_params, which embeds the setup header at 0x1f1
    static final int SETUP_SECTS = 0x1f1, JUMP_LENGTH = 0x201, HEADER = 0x202, VERSION = 0x206, LOADFLAGS = 0x211,
            INITRD_ADDR_MAX = 0x22c, KERNEL_ALIGNMENT = 0x230, RELOCATABLE = 0x234, XLOADFLAGS = 0x236,
            CMDLINE_SIZE = 0x238, PREF_ADDRESS = 0x258, INIT_SIZE = 0x260;
    /** The header fields the loader reads end here (init_size is the last, protocol 2.10). */
    static final int MIN_LENGTH = 0x264;
    /** Protocol 2.12 added xloadflags, which says whether the 64-bit entry exists. */
    public static final int MIN_PROTOCOL = 0x020c;
    /** xloadflags: the kernel has the 64-bit entry point at 0x200 past its load address. */
    public static final int XLF_KERNEL_64 = 1;
    /** Offset of startup_64 from the load address (boot.rst, "64-bit Boot Protocol"). */
    public static final long ENTRY_64_OFFSET = 0x200;
    private static final int HDRS = 0x53726448; // "HdrS"

    /** Parses the start of a bzImage ({@code head} holds at least its first 1 KiB); errors name the file and offset. */
    public static SetupHeader parse(byte[] head, long fileSize, String file) {
        if (head.length < MIN_LENGTH)
            throw new JkdumpException(file + ": " + fileSize + " bytes: too small for an x86 bzImage setup header");
        var b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(HEADER) != HDRS)
            throw new JkdumpException(String.format("%s: offset 0x%x: no \"HdrS\" signature (found 0x%08x): not an x86 bzImage",
                    file, HEADER, b.getInt(HEADER)));
        int protocol = Short.toUnsignedInt(b.getShort(VERSION));
        if (protocol < MIN_PROTOCOL)
            throw new JkdumpException(String.format("%s: offset 0x%x: boot protocol %d.%02d is older than 2.12: no 64-bit entry flag",
                    file, VERSION, protocol >> 8, protocol & 0xff));
        int xloadflags = Short.toUnsignedInt(b.getShort(XLOADFLAGS));
        if ((xloadflags & XLF_KERNEL_64) == 0)
            throw new JkdumpException(String.format("%s: offset 0x%x: xloadflags 0x%x lack XLF_KERNEL_64: a 32-bit kernel",
                    file, XLOADFLAGS, xloadflags));
        boolean relocatable = b.get(RELOCATABLE) != 0;
        if (!relocatable)
            throw new JkdumpException(String.format("%s: offset 0x%x: not relocatable: it cannot run inside the crashkernel= reservation",
                    file, RELOCATABLE));
        int sects = Byte.toUnsignedInt(b.get(SETUP_SECTS));
        int setupBytes = ((sects == 0 ? 4 : sects) + 1) * 512; // 0 means 4, for very old images
        if (setupBytes >= fileSize)
            throw new JkdumpException(String.format("%s: offset 0x%x: setup_sects %d leaves no kernel in a file of %d bytes",
                    file, SETUP_SECTS, sects, fileSize));
        long align = Integer.toUnsignedLong(b.getInt(KERNEL_ALIGNMENT));
        if (align == 0 || Long.bitCount(align) != 1)
            throw new JkdumpException(String.format("%s: offset 0x%x: kernel_alignment 0x%x is not a power of two",
                    file, KERNEL_ALIGNMENT, align));
        long initSize = Integer.toUnsignedLong(b.getInt(INIT_SIZE));
        if (initSize < fileSize - setupBytes)
            throw new JkdumpException(String.format("%s: offset 0x%x: init_size 0x%x is smaller than the kernel (0x%x bytes)",
                    file, INIT_SIZE, initSize, fileSize - setupBytes));
        int headerEnd = Math.min(HEADER + Byte.toUnsignedInt(b.get(JUMP_LENGTH)), head.length);
        return new SetupHeader(file, setupBytes, protocol, Byte.toUnsignedInt(b.get(LOADFLAGS)),
                Integer.toUnsignedLong(b.getInt(INITRD_ADDR_MAX)), align, relocatable, xloadflags,
                Integer.toUnsignedLong(b.getInt(CMDLINE_SIZE)), b.getLong(PREF_ADDRESS), initSize,
                Arrays.copyOfRange(head, SETUP_SECTS, Math.max(headerEnd, MIN_LENGTH)));
    }

    /** Bytes of the protected-mode kernel: what is loaded, the rest of the file. */
    public long kernelBytes(long fileSize) {
        return fileSize - setupBytes;
    }
}
