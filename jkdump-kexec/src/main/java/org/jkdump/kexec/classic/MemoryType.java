package org.jkdump.kexec.classic;

/**
 * The kinds of physical memory the classic loader tells apart, with the e820 type the capture
 * kernel gets for each (enum e820_type, arch/x86/include/asm/e820/types.h). Only RAM is
 * dumped; the others are passed on so the capture kernel maps ACPI tables and keeps its
 * hands off firmware ranges.
 */
public enum MemoryType {
    RAM(1), RESERVED(2), ACPI(3), ACPI_NVS(4), PMEM(7), PRAM(12);

    private final int e820;

    MemoryType(int e820) {
        this.e820 = e820;
    }

    /** The e820 type number written into boot_params.e820_table. */
    public int e820() {
        return e820;
    }

    /**
     * The type of a /proc/iomem entry by its name, as kexec-tools classifies them for a crash
     * load: anything containing "System RAM" (also "System RAM (kmem)", "(virtio_mem)"), the
     * ACPI and persistent-memory names and both spellings of reserved; null for the rest
     * (kernel sections, devices, ROMs), which the capture kernel need not know about.
     */
    public static MemoryType ofIomemName(String name) {
        if (name.contains("System RAM")) return RAM;
        return switch (name) {
            case "ACPI Tables" -> ACPI;
            case "ACPI Non-volatile Storage" -> ACPI_NVS;
            case "Persistent Memory (legacy)" -> PRAM;
            case "Persistent Memory" -> PMEM;
            case "reserved", "Reserved" -> RESERVED;
            default -> null;
        };
    }
}
