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
 * decimal.
 */
public record VmcoreInfo(String text, Map<String, String> entries) {

    public VmcoreInfo {
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** Parses the note's text; lines without '=' are ignored, as the kernel never writes them. */
    public static VmcoreInfo parse(String text) {
        var map = new LinkedHashMap<String, String>();
        for (var line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) map.putIfAbsent(line.substring(0, eq), line.substring(eq + 1).strip());
        }
        return new VmcoreInfo(text, map);
    }

    public static VmcoreInfo parse(byte[] desc) {
        int n = desc.length;
        while (n > 0 && desc[n - 1] == 0) n--;
        return parse(new String(desc, 0, n, StandardCharsets.ISO_8859_1));
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
            throw new JkdumpException("VMCOREINFO: " + key + "=" + v + " is not a hexadecimal number");
        }
    }

    private OptionalLong decimal(String key) {
        var v = entries.get(key);
        if (v == null) return OptionalLong.empty();
        try {
            return OptionalLong.of(v.startsWith("0x") ? Long.parseUnsignedLong(v.substring(2), 16) : Long.parseLong(v));
        } catch (NumberFormatException e) {
            throw new JkdumpException("VMCOREINFO: " + key + "=" + v + " is not a number");
        }
    }
}
