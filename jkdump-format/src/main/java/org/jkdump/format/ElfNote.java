package org.jkdump.format;

import java.util.Arrays;

/**
 * One ELF note (Elf64_Nhdr + name + descriptor): NT_PRSTATUS per CPU, the VMCOREINFO note,
 * QEMU's CPU state notes. The name is without its terminating NUL.
 */
public record ElfNote(String name, int type, byte[] desc) {
    public static final int NT_PRSTATUS = 1;
    public static final int NT_PRPSINFO = 3;
    public static final int NT_TASKSTRUCT = 4;
    public static final int NT_VMCOREINFO = 0;

    public ElfNote {
        desc = desc.clone();
    }

    @Override
    public byte[] desc() {
        return desc.clone();
    }

    public boolean isVmcoreInfo() {
        return name.equals("VMCOREINFO");
    }

    public boolean isPrStatus() {
        return type == NT_PRSTATUS && name.equals("CORE");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ElfNote(var n, var t, var d) && n.equals(name) && t == type && Arrays.equals(d, desc);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + type * 17 + Arrays.hashCode(desc);
    }

    @Override
    public String toString() {
        return "ElfNote[" + name + ", type " + type + ", " + desc.length + " bytes]";
    }
}
