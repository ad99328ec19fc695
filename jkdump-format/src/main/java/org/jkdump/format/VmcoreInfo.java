package org.jkdump.format;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The kernel's VMCOREINFO note: {@code KEY=VALUE} lines written by
 * {@code crash_save_vmcoreinfo_init()} (kernel/vmcore_info.c). Typed accessors follow the
 * kernel's key shapes: {@code SYMBOL(name)} and {@code SIZE(type)}, {@code OFFSET(type.member)},
 * {@code LENGTH(name)} in hex or decimal as the kernel prints them, {@code NUMBER(name)} signed
 * decimal. A value that is not the number its key promises fails with a
 * {@link MalformedDumpException} naming the dump file and the value's offset in it, when the
 * text came from a file.
 *
 * @param file   the dump file the text was read from (null when it came from elsewhere)
 * @param offset where the text starts in {@code file}
 */
public record VmcoreInfo(String text, Map<String, String> entries, String file, long offset) {

    public VmcoreInfo {
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** Entries not read from a file (tests, a live system). */
    public VmcoreInfo(String text, Map<String, String> entries) {
        this(text, entries, null, 0);
    }

    /** Parses the note's text; lines without '=' are ignored, as the kernel never writes them. */
    public static VmcoreInfo parse(String text) {
        return parse(text, null, 0);
    }

    private static VmcoreInfo parse(String text, String file, long offset) {
        var map = new LinkedHashMap<String, String>();
        for (var line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) map.putIfAbsent(line.substring(0, eq), line.substring(eq + 1).strip());
        }
        return new VmcoreInfo(text, map, file, offset);
    }

    public static VmcoreInfo parse(byte[] desc) {
        return parse(desc, null, 0);
    }

    /** Parses the text read from {@code file} at {@code offset}; errors about its values name both. */
    public static VmcoreInfo parse(byte[] desc, String file, long offset) {
        int n = desc.length;
        while (n > 0 && desc[n - 1] == 0) n--;
        return parse(new String(desc, 0, n, StandardCharsets.ISO_8859_1), file, offset);
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** {@code SYMBOL(name)}: a kernel virtual address (hex, as the kernel prints %lx). */
    public OptionalLong symbol(String name) {
        return hex("SYMBOL(" + name + ")");
    }

    /** {@code SIZE(type)}: decimal. */
    public OptionalLong size(String type) {
        return decimal("SIZE(" + type + ")");
    }

    /** {@code OFFSET(type.member)}: decimal. */
    public OptionalLong offset(String type, String member) {
        return decimal("OFFSET(" + type + "." + member + ")");
    }

    /**
     * {@code SIZE(type)}, checked to lie in {@code [min, max]}: readers size loops and buffers
     * by it, so a corrupt value must stop them. {@code why} says what cannot be done without it.
     */
    public long sizeWithin(String type, long min, long max, String why) {
        long size = size(type).orElseThrow(() -> lacks("SIZE(" + type + ")", why));
        if (size < min || size > max)
            throw invalid("SIZE(" + type + ")", "is not a plausible struct " + type + " size (" + min + " to " + max + ")");
        return size;
    }

    /**
     * {@code OFFSET(type.member)} of a {@code width}-byte member, checked to lie inside the
     * {@code size}-byte struct; empty when VMCOREINFO does not name it.
     */
    public OptionalLong offsetWithin(String type, String member, int width, long size) {
        var offset = offset(type, member);
        if (offset.isPresent() && (offset.getAsLong() < 0 || offset.getAsLong() > size - width))
            throw invalid("OFFSET(" + type + "." + member + ")", "does not fit a " + width + "-byte member inside the " + size
                    + "-byte struct " + type + " (SIZE(" + type + "))");
        return offset;
    }

    /** {@code LENGTH(name)}: decimal. */
    public OptionalLong length(String name) {
        return decimal("LENGTH(" + name + ")");
    }

    /** {@code NUMBER(name)}: signed decimal (phys_base may be negative). */
    public OptionalLong number(String name) {
        return decimal("NUMBER(" + name + ")");
    }

    /** {@code KERNELOFFSET}: the KASLR slide of the kernel image, hex; 0 when absent. */
    public long kernelOffset() {
        return hex("KERNELOFFSET").orElse(0);
    }

    public OptionalLong crashTime() {
        return decimal("CRASHTIME");
    }

    public Optional<String> osRelease() {
        return get("OSRELEASE");
    }

    public OptionalLong pageSize() {
        return decimal("PAGESIZE");
    }

    public Optional<String> buildId() {
        return get("BUILD-ID");
    }

    private OptionalLong hex(String key) {
        var v = entries.get(key);
        if (v == null) return OptionalLong.empty();
        try {
            return OptionalLong.of(Long.parseUnsignedLong(v.startsWith("0x") ? v.substring(2) : v, 16));
        } catch (NumberFormatException e) {
            throw bad(key, v, "is not a hexadecimal number");
        }
    }

    private OptionalLong decimal(String key) {
        var v = entries.get(key);
        if (v == null) return OptionalLong.empty();
        try {
            return OptionalLong.of(v.startsWith("0x") ? Long.parseUnsignedLong(v.substring(2), 16) : Long.parseLong(v));
        } catch (NumberFormatException e) {
            throw bad(key, v, "is not a number");
        }
    }

    /**
     * The error for a {@code key} a reader needs and this VMCOREINFO lacks, naming the dump
     * file and where the text starts: {@code vmcore: offset 0x1234: VMCOREINFO has no
     * SIZE(page): ...}. {@code why} says what cannot be done without it.
     */
    public JkdumpException lacks(String key, String why) {
        return problem("has no " + key + ": " + why);
    }

    /**
     * The error for {@code key}'s value that a reader cannot use ({@code why}: "is not a
     * plausible structure size"), at the value's offset in the dump file.
     */
    public JkdumpException invalid(String key, String why) {
        var v = entries.getOrDefault(key, "");
        return bad(key, v, why);
    }

    /** An error about the VMCOREINFO as a whole ({@code what} follows "VMCOREINFO: "), at its start in the dump file. */
    public JkdumpException problem(String what) {
        if (file == null) return new JkdumpException("VMCOREINFO " + what);
        return new MalformedDumpException(file, offset, "VMCOREINFO " + what);
    }

    /** An error about {@code key}'s value, at the value's offset in the dump file when the text came from one. */
    private JkdumpException bad(String key, String value, String what) {
        String shown = (value.length() > 40 ? value.substring(0, 40) + "..." : value).replaceAll("[^\\x20-\\x7e]", "?");
        if (file == null) return new JkdumpException("VMCOREINFO: " + key + "=" + shown + " " + what);
        int at = text.startsWith(key + "=") ? 0 : text.indexOf("\n" + key + "=") + 1;
        return new MalformedDumpException(file, offset + at + key.length() + 1, "VMCOREINFO " + key + "=" + shown + " " + what);
    }
}
