package org.jkdump.kexec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.jkdump.format.JkdumpException;

/**
 * The parts of an x86 bzImage's setup header jkdump checks before loading it
 * (struct setup_header, arch/x86/include/uapi/asm/bootparam.h; Documentation/arch/x86/boot.rst).
 *
 * @param protocol boot protocol version, e.g. 0x020f
 * @param initSize bytes the kernel needs from its load address until it has set up its own
 *                 memory (decompressed image plus bss and early page tables): the first part
 *                 of the reservation it takes
 */
public record BzImage(Path file, long fileSize, int protocol, long initSize) {
    private static final int SETUP_SECTS = 0x1f1, HEADER_MAGIC = 0x202, VERSION = 0x206, INIT_SIZE = 0x260;
    private static final int HDRS = 0x53726448; // "HdrS"
    private static final int MIN_PROTOCOL_WITH_INIT_SIZE = 0x020a;

    /** Reads and checks the header; a file that is not a bzImage is refused with the reason. */
    public static BzImage read(Path file) {
        try (var ch = FileChannel.open(file)) {
            long size = ch.size();
            var b = ByteBuffer.allocate(0x270).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining() && ch.read(b) > 0) {
            }
            if (b.position() < 0x264)
                throw new JkdumpException(file + ": " + size + " bytes: too small for an x86 bzImage setup header");
            int magic = b.getInt(HEADER_MAGIC);
            if (magic != HDRS)
                throw new JkdumpException(String.format("%s: offset 0x%x: no \"HdrS\" setup header signature (found 0x%08x): not an x86 bzImage",
                        file, HEADER_MAGIC, magic));
            int protocol = Short.toUnsignedInt(b.getShort(VERSION));
            if (protocol < MIN_PROTOCOL_WITH_INIT_SIZE)
                throw new JkdumpException(String.format("%s: offset 0x%x: boot protocol %d.%02d is older than 2.10, which kexec_file_load needs",
                        file, VERSION, protocol >> 8, protocol & 0xff));
            long initSize = Integer.toUnsignedLong(b.getInt(INIT_SIZE));
            if (b.get(SETUP_SECTS) == 0 || initSize == 0)
                throw new JkdumpException(String.format("%s: offset 0x%x: init_size is 0: damaged setup header", file, INIT_SIZE));
            return new BzImage(file, size, protocol, initSize);
        } catch (IOException e) {
            throw new JkdumpException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
