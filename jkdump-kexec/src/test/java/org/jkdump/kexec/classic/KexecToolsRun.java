package org.jkdump.kexec.classic;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jkdump.kexec.IomemRange;

/** The recorded `kexec -p -c -d` run (resources/kexec-tools-6.1), split into what kexec-tools read and what it built. */
record KexecToolsRun(String log, String captureDmesg, String makedumpfile) {
    static final String DIR = "/kexec-tools-6.1/";
    static final long KERNEL_FILE_SIZE = 8247232, INITRD_SIZE = 4355820;

    static KexecToolsRun load() {
        return new KexecToolsRun(text("kexec-p-d.txt"), text("capture-dmesg-e820.txt"), text("capture-makedumpfile-page_offset.txt"));
    }

    static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    static byte[] bytes(String name) {
        try (InputStream in = KexecToolsRun.class.getResourceAsStream(DIR + name)) {
            if (in == null) throw new IllegalStateException("missing test resource " + DIR + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** /proc/iomem as kexec printed each line it read ("%016llx-%016llx : name"); nesting is not printed. */
    List<IomemRange> iomem() {
        var out = new ArrayList<IomemRange>();
        var m = Pattern.compile("(?m)^([0-9a-f]{16})-([0-9a-f]{16}) : (.+)$").matcher(log);
        while (m.find()) out.add(new IomemRange(hex(m.group(1)), hex(m.group(2)), m.group(3), 0));
        return out;
    }

    List<NoteLocation> cpuNotes() {
        var out = new ArrayList<NoteLocation>();
        var m = Pattern.compile("crash_notes addr = ([0-9a-f]+), size = (\\d+)").matcher(log);
        while (m.find()) out.add(new NoteLocation(hex(m.group(1)), Long.parseLong(m.group(2))));
        return out;
    }

    /** kexec prints the VMCOREINFO location only as the header it made from /sys/kernel/vmcoreinfo. */
    NoteLocation vmcoreinfo() {
        var m = find("vmcoreinfo header: .* p_paddr = 0x([0-9a-f]+) .* p_filesz = 0x([0-9a-f]+)");
        return new NoteLocation(hex(m.group(1)), hex(m.group(2)));
    }

    KernelMapping mapping() {
        var text = find("kernel vaddr = 0x([0-9a-f]+) size = 0x([0-9a-f]+)");
        var po = Pattern.compile("page_offset\\s*: ([0-9a-f]+)").matcher(makedumpfile);
        if (!po.find()) throw new IllegalStateException("no page_offset line");
        return new KernelMapping(hex(po.group(1)), hex(text.group(1)), hex(text.group(2)));
    }

    /** Every program header kexec printed, in order: type, offset, paddr, vaddr, filesz, memsz. */
    List<long[]> programHeaders() {
        var out = new ArrayList<long[]>();
        var m = Pattern.compile("header: p_type = (\\d+), p_offset = 0x([0-9a-f]+) p_paddr = 0x([0-9a-f]+) p_vaddr = 0x([0-9a-f]+)"
                + " p_filesz = 0x([0-9a-f]+) p_memsz = 0x([0-9a-f]+)").matcher(log);
        while (m.find())
            out.add(new long[] {Long.parseLong(m.group(1)), hex(m.group(2)), hex(m.group(3)), hex(m.group(4)), hex(m.group(5)), hex(m.group(6))});
        return out;
    }

    long created(String what) {
        return hex(find("Created " + what + " segment at 0x([0-9a-f]+)").group(1));
    }

    long loaded(String what) {
        return hex(find("Loaded " + what + " at (?:addr )?0x([0-9a-f]+)").group(1));
    }

    /** The segment table kexec passed to kexec_load: mem → {bufsz, memsz}. */
    List<long[]> segments() {
        var out = new ArrayList<long[]>();
        var m = Pattern.compile("segment\\[(\\d+)\\]\\.bufsz = 0x([0-9a-f]+)\\r?\\nsegment\\[\\d+\\]\\.mem   = 0x([0-9a-f]+)\\r?\\n"
                + "segment\\[\\d+\\]\\.memsz = 0x([0-9a-f]+)").matcher(log);
        while (m.find()) out.add(new long[] {hex(m.group(3)), hex(m.group(2)), hex(m.group(4))});
        return out;
    }

    /** The capture kernel's "BIOS-e820: [mem a-b] type" lines: start, end, type name. */
    List<String> captureE820() {
        var out = new ArrayList<String>();
        var m = Pattern.compile("BIOS-e820: \\[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\\] (\\w+)").matcher(captureDmesg);
        while (m.find()) out.add(m.group(1) + "-" + m.group(2) + " " + m.group(3));
        return out;
    }

    String captureCmdline() {
        var m = Pattern.compile("Command line: (.*)").matcher(captureDmesg);
        if (!m.find()) throw new IllegalStateException("no Command line");
        return m.group(1).strip();
    }

    private Matcher find(String regex) {
        var m = Pattern.compile(regex).matcher(log);
        if (!m.find()) throw new IllegalStateException("kexec-p-d.txt has no line matching " + regex);
        return m;
    }

    static long hex(String s) {
        return Long.parseUnsignedLong(s, 16);
    }
}
