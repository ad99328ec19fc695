package org.jkdump.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.KdumpDump;
import org.jkdump.format.PageCodec;
import org.jkdump.kernel.Kernel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linux 6.12 dropped PG_slab for the slab page type. Debian 12's makedumpfile 1.7.2 does not
 * know that and, at -d 8 and above, takes slab pages whose mapping word happens to be odd for
 * anonymous user pages. On a fresh full 6.12 dump, jkdump must keep exactly those extra
 * frames, every one of them in a slab folio, and otherwise agree with makedumpfile.
 */
@Tag("integration")
class Linux612SlabIT {
    static final Path RUN = Path.of("/var/cache/jkdump-vm/runs/k612-full");

    @TempDir
    Path tmp;

    @Test
    void keepsTheSlabPagesMakedumpfileDropsAndNothingElse() throws Exception {
        var elf = RUN.resolve("vmcore.full.elf");
        if (!Files.exists(elf))
            FullDumps.run(List.of(FullDumps.VM.resolve("run-crash-vm.sh").toString(), "--kernel", "6.12", "--mem", "1G",
                    "--crashkernel", "256M", "--pcp-high-fraction", "1000000", "--crash", "sysrq", "--out", RUN.toString()), 3600);
        var theirs = tmp.resolve("mdf");
        var ours = tmp.resolve("jk");
        FullDumps.run(List.of("makedumpfile", "-l", "-d", "31", elf.toString(), theirs.toString()), 600);
        try (var in = DumpFiles.open(elf)) {
            new Collector(in, new Collector.Options(List.of(new DumpLevel(31)), PageCodec.LZO, Collector.Format.KDUMP, 2, 64 << 20),
                    new PrintWriter(java.io.Writer.nullWriter())).collect(new Collector.Output.ToFile(ours));
            var layout = StructPageLayout.of(in.vmcoreinfo().orElseThrow());
            assertThat(layout.pgSlab()).as("6.12 has no PG_slab").isEmpty();
            long slabType = layout.slabMapcount().orElseThrow();
            var kernel = Kernel.open(in);
            var memMap = MemMap.read(kernel.vmcoreinfo(), kernel.memory(), 4096, in.memory().maxPfn());
            try (var a = (KdumpDump) DumpFiles.open(theirs); var b = (KdumpDump) DumpFiles.open(ours)) {
                var mdf = a.dumpableBitmap();
                var jk = b.dumpableBitmap();
                long extra = 0, missing = 0;
                for (long p = 0; p < Math.max(mdf.size(), jk.size()); p++) {
                    boolean x = p < mdf.size() && mdf.get(p), y = p < jk.size() && jk.get(p);
                    if (x && !y) missing++;
                    if (y && !x) {
                        extra++;
                        long page = memMap.structPage(p);
                        long head = kernel.memory().u64(page + layout.compoundHead().getAsLong());
                        long headPage = (head & 1) != 0 ? head - 1 : page;
                        int type = (int) kernel.memory().u32(headPage + layout.mapcount().getAsLong());
                        assertThat(type).as("frame 0x%x kept by jkdump only: its folio's page type", p).isEqualTo((int) slabType);
                    }
                }
                assertThat(missing).as("frames makedumpfile keeps that jkdump drops").isZero();
                assertThat(extra).as("slab frames makedumpfile 1.7.2 drops").isPositive();
            }
        }
    }
}
