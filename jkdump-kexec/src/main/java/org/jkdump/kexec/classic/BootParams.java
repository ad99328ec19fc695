package org.jkdump.kexec.classic;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jkdump.format.JkdumpException;

/**
 * The capture kernel's "zero page" (struct boot_params, arch/x86/include/uapi/asm/bootparam.h)
 * followed by its command line, as one segment: what a boot loader hands the 64-bit entry in
 * %rsi. Holds the bzImage's setup header with the loader's fields filled in (command line,
 * initramfs), the e820 memory map the capture kernel may use, and the ACPI RSDP address.
 *
 * @param e820 the memory map, sorted by address
 */
public record BootParams(SetupHeader header, String cmdline, long initrdAddress, long initrdSize,
                         List<MemoryRegion> e820, long acpiRsdp) {
    /** sizeof(struct boot_params): the command line follows it. */
    public static final int SIZE = 4096;
    // struct boot_params
    static final int ACPI_RSDP_ADDR = 0x070, EXT_RAMDISK_IMAGE = 0x0c0, EXT_RAMDISK_SIZE = 0x0c4, EXT_CMD_LINE_PTR = 0x0c8,
            E820_ENTRIES = 0x1e8, E820_TABLE = 0x2d0, E820_ENTRY_SIZE = 20, E820_MAX = 128;
    // struct setup_header, at its place in boot_params
    static final int TYPE_OF_LOADER = 0x210, RAMDISK_IMAGE = 0x218, RAMDISK_SIZE = 0x21c, CMD_LINE_PTR = 0x228;
    /** type_of_loader 0xff: "undefined" boot loader (boot.rst), as kexec-tools identifies itself. */
    static final byte LOADER_UNDEFINED = (byte) 0xff;

    public BootParams {
        if (e820.size() > E820_MAX)
            throw new JkdumpException("the capture kernel's memory map has " + e820.size() + " entries; boot_params holds " + E820_MAX);
        long limit = header.cmdlineSize();
        if (cmdline.getBytes(StandardCharsets.US_ASCII).length > limit)
            throw new JkdumpException(String.format("the capture command line (%d bytes) is longer than %s accepts (cmdline_size %d)",
                    cmdline.length(), header.file(), limit));
    }

    /** Bytes of the segment: boot_params, then the NUL-terminated command line. */
    public int byteSize() {
        return SIZE + cmdline.getBytes(StandardCharsets.US_ASCII).length + 1;
    }

    /** The segment's contents once it is placed at {@code address} (the command line pointer depends on it). */
    public byte[] bytes(long address) {
        var b = ByteBuffer.allocate(byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(SetupHeader.SETUP_SECTS, header.rawHeader());
        b.put(TYPE_OF_LOADER, LOADER_UNDEFINED);
        long cmdlinePtr = address + SIZE;
        b.putInt(CMD_LINE_PTR, (int) cmdlinePtr).putInt(EXT_CMD_LINE_PTR, (int) (cmdlinePtr >>> 32));
        b.putInt(RAMDISK_IMAGE, (int) initrdAddress).putInt(EXT_RAMDISK_IMAGE, (int) (initrdAddress >>> 32));
        b.putInt(RAMDISK_SIZE, (int) initrdSize).putInt(EXT_RAMDISK_SIZE, (int) (initrdSize >>> 32));
        b.putLong(ACPI_RSDP_ADDR, acpiRsdp);
        b.put(E820_ENTRIES, (byte) e820.size());
        for (int i = 0; i < e820.size(); i++) {
            var r = e820.get(i);
            int o = E820_TABLE + i * E820_ENTRY_SIZE; // struct boot_e820_entry { u64 addr; u64 size; u32 type; } packed
            b.putLong(o, r.start()).putLong(o + 8, r.size()).putInt(o + 16, r.type().e820());
        }
        b.put(SIZE, cmdline.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }
}
