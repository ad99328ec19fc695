package org.jkdump.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.PageCodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * crash 8.0.6 and makedumpfile --dump-dmesg read what jkdump collect writes from a fresh
 * full 6.1 dump: every codec of the kdump format, ELF and the flattened stream. crash must
 * show the same panic and the same task list as on makedumpfile's own output of the same
 * input; makedumpfile must extract the same log as from the input itself.
 */
@Tag("integration")
class ToolsReadOurDumpsIT {
    static final Path VMLINUX = Path.of("/var/cache/jkdump-vm/debug/6.1.0-56-amd64/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64");

    @TempDir
    static Path tmp;
    static Path elf;
    static String crash;
    static String referencePs;

    @BeforeAll
    static void reference() throws Exception {
        elf = FullDumps.sysrqFullElf();
        crash = FullDumps.run(List.of("bash", "-c", "source /work/shared/vm/lib.sh >/dev/null 2>&1; crash_bin"), 600).strip();
        if (!Files.exists(VMLINUX))
            FullDumps.run(List.of("bash", "-c", "source /work/shared/vm/lib.sh; fetch_debug_vmlinux 6.1.0-56-amd64"), 3600);
        var mdf = tmp.resolve("mdf.kdump");
        FullDumps.run(List.of("makedumpfile", "-l", "-d", "31", elf.toString(), mdf.toString()), 600);
        referencePs = section(crash(mdf), "ps");
    }

    static String crash(Path dump) throws Exception {
        var cmds = tmp.resolve("cmds");
        Files.writeString(cmds, "echo JKSECTION sys\nsys\necho JKSECTION ps\nps\necho JKSECTION end\nquit\n");
        return FullDumps.run(List.of("bash", "-c", "'" + crash + "' -s " + VMLINUX + " " + dump + " < " + cmds), 600);
    }

    static String section(String out, String name) {
        var m = Pattern.compile("JKSECTION " + name + "\\n(.*?)JKSECTION ", Pattern.DOTALL).matcher(out);
        assertThat(m.find()).as("crash printed no %s section:%n%s", name, out).isTrue();
        return m.group(1);
    }

    static Path collect(String name, PageCodec codec, Collector.Format format) throws Exception {
        var out = tmp.resolve(name);
        try (var in = DumpFiles.open(elf)) {
            new Collector(in, new Collector.Options(List.of(new DumpLevel(31)), codec, format, 2, 64 << 20),
                    new PrintWriter(java.io.Writer.nullWriter())).collect(new Collector.Output.ToFile(out));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"kdump-zlib, ZLIB, KDUMP", "kdump-lzo, LZO, KDUMP", "kdump-snappy, SNAPPY, KDUMP", "kdump-zstd, ZSTD, KDUMP",
            "kdump-raw, NONE, KDUMP", "elf, NONE, ELF"})
    void crashShowsThePanicAndEveryTask(String name, PageCodec codec, Collector.Format format) throws Exception {
        var out = crash(collect(name, codec, format));
        assertThat(section(out, "sys")).contains("PANIC: \"Kernel panic - not syncing: sysrq triggered crash\"");
        assertThat(section(out, "ps")).isEqualTo(referencePs);
    }

    @Test
    void crashReadsTheFlattenedStream() throws Exception {
        var flat = tmp.resolve("out.flat");
        try (var in = DumpFiles.open(elf); var os = Files.newOutputStream(flat)) {
            new Collector(in, new Collector.Options(List.of(new DumpLevel(31)), PageCodec.ZLIB, Collector.Format.KDUMP, 2, 64 << 20),
                    new PrintWriter(java.io.Writer.nullWriter())).collect(new Collector.Output.Flattened("out.flat", os));
        }
        var rebuilt = tmp.resolve("rebuilt");
        FullDumps.run(List.of("bash", "-c", "makedumpfile -R " + rebuilt + " < " + flat), 600);
        var out = crash(flat);
        assertThat(section(out, "ps")).isEqualTo(referencePs);
        assertThat(section(crash(rebuilt), "ps")).isEqualTo(referencePs);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"dmesg-kdump, LZO, KDUMP", "dmesg-elf, NONE, ELF"})
    void makedumpfileExtractsTheSameLog(String name, PageCodec codec, Collector.Format format) throws Exception {
        var ours = collect(name, codec, format);
        var a = tmp.resolve(name + ".theirs.txt");
        var b = tmp.resolve(name + ".ours.txt");
        FullDumps.run(List.of("makedumpfile", "--dump-dmesg", elf.toString(), a.toString()), 600);
        FullDumps.run(List.of("makedumpfile", "--dump-dmesg", ours.toString(), b.toString()), 600);
        assertThat(Files.readString(b)).isEqualTo(Files.readString(a)).contains("sysrq triggered crash");
    }
}
