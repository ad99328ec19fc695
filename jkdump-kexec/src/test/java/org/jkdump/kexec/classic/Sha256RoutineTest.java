package org.jkdump.kexec.classic;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the purgatory's own SHA-256 machine code on this (x86-64) host: the assembled purgatory
 * is copied into an executable mapping and its {@code sha256} routine called through the FFM
 * API as a SysV function, over regions of native memory, against {@link MessageDigest}.
 */
class Sha256RoutineTest {
    private static final int PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20;
    private static final Linker LINKER = Linker.nativeLinker();
    private static MemorySegment code;
    private static long codeSize;
    private static MethodHandle sha256;

    @BeforeAll
    static void mapTheRoutine() throws Throwable {
        assertThat(System.getProperty("os.arch")).as("the routine is x86-64 code").isIn("amd64", "x86_64");
        var libc = LINKER.defaultLookup();
        var mmap = LINKER.downcallHandle(libc.find("mmap").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
        var mprotect = LINKER.downcallHandle(libc.find("mprotect").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        var purgatory = Purgatory.assemble(PurgatoryTest.PARAMS);
        codeSize = (purgatory.bytes().length + 4095) & ~4095L;
        code = ((MemorySegment) mmap.invokeExact(MemorySegment.NULL, codeSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                -1, 0L)).reinterpret(codeSize);
        assertThat(code.address()).as("mmap").isNotEqualTo(-1L);
        code.copyFrom(MemorySegment.ofArray(purgatory.bytes()));
        // read and execute only: the routine must not write to its own bytes
        assertThat((int) mprotect.invokeExact(code, codeSize, PROT_READ | PROT_EXEC)).as("mprotect").isZero();
        sha256 = LINKER.downcallHandle(code.asSlice(purgatory.sha256Offset()), FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
    }

    @AfterAll
    static void unmap() throws Throwable {
        var munmap = LINKER.downcallHandle(LINKER.defaultLookup().find("munmap").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        if (code != null) assertThat((int) munmap.invokeExact(code, codeSize)).isZero();
    }

    @Test
    void hashesTheEmptyMessageLikeFips180() throws Throwable {
        assertThat(HexFormat.of().formatHex(run(List.of())))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void hashesAbcLikeFips180() throws Throwable {
        assertThat(HexFormat.of().formatHex(run(List.of("abc".getBytes()))))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    /** Lengths around every padding boundary: 55 bytes still fit the length in one block, 56 need a second. */
    @Test
    void matchesMessageDigestAtEveryPaddingBoundary() throws Throwable {
        var random = new Random(1);
        for (int n : new int[] {1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 191, 1000, 4096}) {
            byte[] b = new byte[n];
            random.nextBytes(b);
            assertThat(run(List.of(b))).as("%d bytes", n).isEqualTo(MessageDigest.getInstance("SHA-256").digest(b));
        }
    }

    /** Regions are one message: blocks span region boundaries, and empty regions add nothing. */
    @Test
    void hashesRegionsAsOneMessageInTableOrder() throws Throwable {
        var random = new Random(2);
        for (int trial = 0; trial < 40; trial++) {
            int count = 1 + random.nextInt(Sha256Routine.REGIONS);
            var parts = new java.util.ArrayList<byte[]>();
            var expected = MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < count; i++) {
                int n = switch (random.nextInt(4)) {
                    case 0 -> 0;
                    case 1 -> random.nextInt(64);
                    case 2 -> 4096 * (1 + random.nextInt(4));
                    default -> random.nextInt(10_000);
                };
                byte[] b = new byte[n];
                random.nextBytes(b);
                parts.add(b);
                expected.update(b);
            }
            assertThat(run(parts)).as("trial %d, sizes %s", trial, parts.stream().map(p -> p.length).toList())
                    .isEqualTo(expected.digest());
        }
    }

    /** A crash image's size: prints the speed, which bounds the delay the check adds between the kernels. */
    @Test
    void hashesSixteenMebibytesLikeMessageDigest() throws Throwable {
        byte[] b = new byte[16 << 20];
        new Random(3).nextBytes(b);
        long t0 = System.nanoTime();
        byte[] got = run(List.of(b));
        long ns = System.nanoTime() - t0;
        System.out.printf("purgatory sha256: 16 MiB in %.1f ms (%.0f MB/s)%n", ns / 1e6, b.length / (ns / 1e3));
        assertThat(got).isEqualTo(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /**
     * The loader's digest (content, then zeros up to memsz, purgatory left out) is what the
     * routine computes over memory laid out as the kernel loads the segments, and the purgatory
     * carries that table and digest.
     */
    @Test
    void loaderDigestEqualsTheRoutineOverTheLoadedLayout(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Throwable {
        var random = new Random(4);
        byte[] file = new byte[3 * 4096 + 123];
        random.nextBytes(file);
        var kernel = java.nio.file.Files.write(dir.resolve("bzImage"), file);
        byte[] header = new byte[777];
        random.nextBytes(header);
        var segments = List.of(
                new Segment("backup", new Segment.Bytes(new byte[0]), 0x10000, 0x3000),
                new Segment("elfcorehdr", new Segment.Bytes(header), 0x20000, 0x4000),
                new Segment(CrashImage.PURGATORY, new Segment.Bytes(new byte[] {1, 2, 3}), 0x30000, 0x1000),
                new Segment("kernel", new Segment.FileSlice(kernel, 1000, file.length - 1000), 0x100000, 0x8000));
        var digest = SegmentDigest.of(segments, CrashImage.PURGATORY);
        assertThat(digest.regions()).extracting(Purgatory.HashedRegion::start).containsExactly(0x10000L, 0x20000L, 0x100000L);

        try (var arena = Arena.ofConfined()) {
            var table = arena.allocate(16L * Sha256Routine.REGIONS, 8);
            int i = 0;
            for (var s : segments) {
                if (s.name().equals(CrashImage.PURGATORY)) continue;
                var mem = arena.allocate(s.memsz()); // zeroed, as kexec_load leaves memsz past bufsz
                byte[] content = switch (s.content()) {
                    case Segment.Bytes b -> b.bytes();
                    case Segment.FileSlice f -> java.util.Arrays.copyOfRange(file, (int) f.offset(), (int) (f.offset() + f.size()));
                };
                mem.copyFrom(MemorySegment.ofArray(content));
                table.set(JAVA_LONG, 16L * i, mem.address());
                table.set(JAVA_LONG, 16L * i + 8, s.memsz());
                i++;
            }
            var out = arena.allocate(32);
            sha256.invokeExact(table, out);
            assertThat(out.toArray(JAVA_BYTE)).isEqualTo(digest.digest());
        }

        var p = new Purgatory.Parameters(0x30000, 0, 0x10000, 0, 0, 0, digest.regions(), digest.digest());
        var code = Purgatory.assemble(p);
        var b = java.nio.ByteBuffer.wrap(code.bytes()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int table = code.labels().get("sha256_regions");
        for (int r = 0; r < Sha256Routine.REGIONS; r++) {
            long start = r < 3 ? digest.regions().get(r).start() : 0, length = r < 3 ? digest.regions().get(r).length() : 0;
            assertThat(b.getLong(table + 16 * r)).as("region %d start", r).isEqualTo(start);
            assertThat(b.getLong(table + 16 * r + 8)).as("region %d length", r).isEqualTo(length);
        }
        int at = code.labels().get("sha256_digest");
        assertThat(java.util.Arrays.copyOfRange(code.bytes(), at, at + 32)).isEqualTo(digest.digest());
    }

    private static byte[] run(List<byte[]> parts) throws Throwable {
        try (var arena = Arena.ofConfined()) {
            var table = arena.allocate(16L * Sha256Routine.REGIONS, 8);
            for (int i = 0; i < parts.size(); i++) {
                byte[] p = parts.get(i);
                var buf = p.length == 0 ? MemorySegment.NULL : arena.allocateFrom(JAVA_BYTE, p);
                table.set(JAVA_LONG, 16L * i, buf.address());
                table.set(JAVA_LONG, 16L * i + 8, p.length);
            }
            var out = arena.allocate(32);
            sha256.invokeExact(table, out);
            return out.toArray(JAVA_BYTE);
        }
    }
}
