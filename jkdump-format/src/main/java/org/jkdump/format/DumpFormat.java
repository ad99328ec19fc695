package org.jkdump.format;

/** The on-disk formats jkdump reads, each recognised by its content. */
public enum DumpFormat {
    /** ELF64 ET_CORE: /proc/vmcore, makedumpfile -E, QEMU dump-guest-memory. */
    ELF("ELF core"),
    /** makedumpfile's kdump-compressed format, signature "KDUMP   ". */
    KDUMP("kdump-compressed"),
    /** The older diskdump format, signature "DISKDUMP" (same layout). */
    DISKDUMP("diskdump"),
    /** makedumpfile -F: a stream of (offset, size, data) records of a kdump-compressed file. */
    FLATTENED("flattened kdump-compressed"),
    /** Several kdump-compressed files made with --split, opened as one. */
    SPLIT("split kdump-compressed set");

    private final String text;

    DumpFormat(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}
