package org.jkdump.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.PageCodec;
import org.jkdump.format.VmRuns;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * jkdump collect -l -d 31 on a run's raw /proc/vmcore copy against the file makedumpfile -l
 * -d 31 wrote in the capture kernel from the same /proc/vmcore: the same bytes, on each kind
 * of dump the runs cover — 6.1 sysrq through kexec_load (sysrq2), two of four CPUs never
 * online (maxcpus), the kernel's own ELF core header of kexec_file_load, which leaves out the
 * first MiB (kexecs-full), and 5-level paging with KASLR, whose section table lies below the
 * 4-level kernel half (la57-full). 6.12 runs are left out: makedumpfile 1.7.2 takes their
 * slab pages for free ones. As ELF, the frames makedumpfile -E writes, page for page.
 */
@Tag("vm")
class CaptureFileVmTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sysrq2", "maxcpus", "kexecs-full", "la57-full"})
    void collectOfTheRawCopyIsTheCapturesMakedumpfileFile(String run) throws Exception {
        var dir = VmRuns.dir(run);
        var elf = dir.resolve("vmcore.full.elf");
        assertThat(elf).as("run %s's raw copy (made without --no-rawcopy)", run).isRegularFile();
        var ours = tmp.resolve("jk.kdump-lzo");
        try (var in = CollectInput.open(elf)) {
            new Collector(in, new Collector.Options(List.of(new DumpLevel(31)), PageCodec.LZO, Collector.Format.KDUMP, 1, 64 << 20),
                    new PrintWriter(java.io.Writer.nullWriter())).collect(new Collector.Output.ToFile(ours));
        }
        var theirs = dir.resolve("vmcore.kdump-lzo");
        assertThat(Files.size(ours)).as("size against %s", theirs).isEqualTo(Files.size(theirs));
        assertThat(Files.mismatch(ours, theirs)).as("first byte that differs from %s", theirs).isEqualTo(-1);
    }

    /**
     * As ELF (-E -d 31), jkdump's file holds exactly the frames makedumpfile's holds, with the
     * same bytes: the kept frames and, as makedumpfile's PFN_EXCLUDED rule has it, each run of
     * fewer than 256 excluded frames before a kept one (lone zero pages among them, such as the
     * part of the static printk descriptors the log reader needs; without them neither sys nor
     * log could be read from jkdump's ELF).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sysrq2", "la57-full"})
    void elfHoldsTheFramesMakedumpfilesElfHolds(String run) throws Exception {
        var elf = VmRuns.dir(run).resolve("vmcore.full.elf");
        var theirs = tmp.resolve("mdf.elf");
        FullDumps.run(List.of("makedumpfile", "-E", "-d", "31", elf.toString(), theirs.toString()), 600);
        var ours = tmp.resolve("jk.elf");
        try (var in = CollectInput.open(elf)) {
            new Collector(in, new Collector.Options(List.of(new DumpLevel(31)), PageCodec.NONE, Collector.Format.ELF, 1, 64 << 20),
                    new PrintWriter(java.io.Writer.nullWriter())).collect(new Collector.Output.ToFile(ours));
        }
        try (var a = DumpFiles.open(theirs); var b = DumpFiles.open(ours)) {
            var ma = a.memory();
            var mb = b.memory();
            assertThat(mb.presentFrames().toArray()).as("frames of jkdump's ELF against makedumpfile's").containsExactly(ma.presentFrames().toArray());
            var pa = new byte[ma.pageSize()];
            var pb = new byte[mb.pageSize()];
            mb.presentFrames().forEach(pfn -> {
                ma.readPage(pfn, pa, 0);
                mb.readPage(pfn, pb, 0);
                assertThat(pb).as("frame 0x%x", pfn).isEqualTo(pa);
            });
        }
    }
}
