package org.jkdump.format;

/**
 * A physical address range the dump describes, {@code [start, end)}, with how many of its
 * pages are present and how many were excluded (filtered, or cut from an ELF segment's tail).
 */
public record MemoryRange(long start, long end, long presentPages, long excludedPages) {
}
