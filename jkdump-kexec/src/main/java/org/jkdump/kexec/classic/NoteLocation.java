package org.jkdump.kexec.classic;

/** Where the crashed kernel keeps an ELF note: its physical address and the bytes reserved for it. */
public record NoteLocation(long address, long size) {
}
