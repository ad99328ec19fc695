package org.jkdump.cli.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.jkdump.cli.fuzz.DumpMutant.Patch;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.PageDescriptor;

/**
 * Makes damaged dumps from real ones, deterministically: mutant {@code id} of a seed is always
 * the same file. Kinds: truncation inside each region (headers, notes, bitmaps, descriptors,
 * page data), bit flips and random bytes in a region, hostile values (0, -1, 2^31, 2^40, the
 * file's size, ...) in a header field, a note header or a page descriptor, damaged VMCOREINFO
 * values (a digit changed, a huge or negative number, not a number, the line removed), and
 * damaged kernel data (kallsyms, BTF, the printk ring, tasks, page tables and what their
 * pointers lead to): hostile words, pointers to themselves, random bytes. In a kdump file a
 * damaged page is appended raw and its descriptor pointed at it, so the format stays valid
 * and only the kernel's data is wrong.
 */
public final class DumpMutator {
    private final List<FixtureLayout> fixtures;
    private final long seed;

    public DumpMutator(List<FixtureLayout> fixtures, long seed) {
        this.fixtures = fixtures;
        this.seed = seed;
    }

    /** Mutant {@code id}: fixtures in turn, a kind drawn from a generator seeded by (seed, id). */
    public DumpMutant mutant(int id) {
        return mutant(id, fixtures.get(id % fixtures.size()));
    }

    /** Mutant {@code id} of this seed made from {@code f} (how a campaign's failure is replayed in a test). */
    public DumpMutant mutant(int id, FixtureLayout f) {
        var r = new Random(seed * 1_000_003L + id);
        var m = new Builder(id, f, r);
        int roll = r.nextInt(100);
        if (roll < 10) m.combination();
        else if (roll < 22) m.truncate();
        else if (roll < 26) m.flipBits();
        else if (roll < 34) m.randomBytes();
        else if (roll < 56) m.hostileField();
        else if (roll < 66) m.vmcoreinfo();
        else if (roll < 78) m.kernelData();
        else if (roll < 94) m.kernelField();
        else m.descriptor();
        return m.build();
    }

    /** A chosen mutant (a regression case): {@code bytes} at kernel target {@code target}, {@code offset} bytes in. */
    public static DumpMutant kernelData(int id, FixtureLayout f, String target, int offset, byte[] bytes) {
        var t = java.util.stream.Stream.concat(f.targets.stream(), f.kernelFields.stream()).filter(x -> x.name().equals(target)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no kernel target " + target + " in " + f.name));
        var m = new Builder(id, f, new Random(id));
        m.kind = "kernel-data";
        m.what = String.format("%s+0x%x: %d bytes written", target, offset, bytes.length);
        m.writePhys(t.paddr() + offset, bytes);
        return m.build();
    }

    /** A chosen mutant: the 8-byte pointer at kernel field {@code target} made to point at itself (a list that loops). */
    public static DumpMutant selfPointer(int id, FixtureLayout f, String target) {
        var t = f.kernelFields.stream().filter(x -> x.name().equals(target)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no kernel field " + target + " in " + f.name));
        var m = new Builder(id, f, new Random(id));
        m.kind = "kernel-field";
        m.what = String.format("%s (vaddr 0x%x) points to itself", target, t.vaddr());
        m.writePhys(t.paddr(), Builder.encode(t.vaddr(), 8, false));
        return m.build();
    }

    /** A chosen mutant: VMCOREINFO {@code key}'s value (every copy) replaced by {@code value}, padded with newlines. */
    public static DumpMutant vmcoreinfo(int id, FixtureLayout f, String key, String value) {
        var iv = f.info.stream().filter(x -> x.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no VMCOREINFO " + key + " in " + f.name));
        if (value.length() > iv.value().length()) throw new IllegalArgumentException(value + " is longer than " + iv.value());
        var m = new Builder(id, f, new Random(id));
        m.kind = "vmcoreinfo";
        m.what = key + "=" + iv.value() + " -> " + value;
        byte[] b = (value + "\n".repeat(iv.value().length() - value.length())).getBytes(StandardCharsets.ISO_8859_1);
        for (long off : iv.offsets()) m.patches.add(new Patch(off, b));
        return m.build();
    }

    /** A chosen mutant: header field {@code name} set to {@code value}. */
    public static DumpMutant field(int id, FixtureLayout f, String name, long value) {
        var fld = f.fields.stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no field " + name + " in " + f.name));
        var m = new Builder(id, f, new Random(id));
        m.kind = "field";
        m.what = String.format("%s at 0x%x -> 0x%x", name, fld.offset(), value);
        m.patches.add(new Patch(fld.offset(), Builder.encode(value, fld.width(), fld.bigEndian())));
        return m.build();
    }

    private static final class Builder {
        final int id;
        final FixtureLayout f;
        final Random r;
        String kind = "", what = "";
        byte[] append = new byte[0];
        final List<Patch> patches = new ArrayList<>();
        long truncateTo = -1;

        Builder(int id, FixtureLayout f, Random r) {
            this.id = id;
            this.f = f;
            this.r = r;
        }

        DumpMutant build() {
            return new DumpMutant(id, f.name, f.path, kind, what, append, patches, truncateTo);
        }

        <T> T pick(List<T> list) {
            return list.get(r.nextInt(list.size()));
        }

        long within(long start, long length) {
            return start + (length <= 1 ? 0 : Math.floorMod(r.nextLong(), length));
        }

        /** Two to four kinds of damage at once (at most one rewritten page: a kdump file has one appended page). */
        void combination() {
            var parts = new ArrayList<String>();
            int n = 2 + r.nextInt(3);
            boolean page = false;
            for (int i = 0; i < n; i++) {
                switch (r.nextInt(page ? 4 : 6)) {
                    case 0 -> flipBits();
                    case 1 -> randomBytes();
                    case 2 -> hostileField();
                    case 3 -> vmcoreinfo();
                    case 4 -> { kernelField(); page = true; }
                    default -> { kernelData(); page = true; }
                }
                parts.add(kind + ": " + what);
            }
            kind = "combination";
            what = String.join(" + ", parts);
        }

        void truncate() {
            kind = "truncate";
            if (r.nextInt(10) == 0) {
                truncateTo = r.nextInt(3) == 0 ? f.size - 1 : r.nextInt(64);
                what = "cut to " + truncateTo + " bytes";
                return;
            }
            var reg = pick(f.regions);
            truncateTo = Math.min(f.size - 1, within(reg.start(), Math.max(1, reg.length())));
            what = "cut to " + truncateTo + " bytes, inside " + reg.name() + " [0x" + Long.toHexString(reg.start()) + ", +0x"
                    + Long.toHexString(reg.length()) + ")";
        }

        void flipBits() {
            kind = "bitflip";
            var reg = pick(f.regions);
            int n = 1 + r.nextInt(r.nextBoolean() ? 3 : 40);
            var sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                long at = within(reg.start(), Math.min(reg.length(), 1 << 16));
                int bit = r.nextInt(8);
                patches.add(new Patch(at, new byte[]{(byte) (original(at) ^ (1 << bit))}));
                if (i < 4) sb.append(String.format(" 0x%x.%d", at, bit));
            }
            what = n + " bit flips in " + reg.name() + ":" + sb + (n > 4 ? " ..." : "");
        }

        void randomBytes() {
            kind = "random-bytes";
            var reg = pick(f.regions);
            int n = 1 + r.nextInt(64);
            long at = within(reg.start(), Math.max(1, Math.min(reg.length(), 1 << 16) - n));
            var b = new byte[n];
            r.nextBytes(b);
            patches.add(new Patch(at, b));
            what = n + " random bytes at 0x" + Long.toHexString(at) + " in " + reg.name();
        }

        /** A hostile value for a field of {@code width} bytes whose value is {@code old}. */
        long hostile(long old, int width) {
            long mask = width == 8 ? -1L : (1L << (8 * width)) - 1;
            long[] values = {0, 1, -1, mask >>> 1, (mask >>> 1) + 1, f.size, f.size + 1, f.size - 1, 1L << 31, 1L << 32,
                    1L << 40, 1L << 62, old + 1, old - 1, old * 2, old * 4096, old ^ (1L << r.nextInt(8 * width)), r.nextLong()};
            return values[r.nextInt(values.length)] & mask;
        }

        static byte[] encode(long v, int width, boolean bigEndian) {
            var bb = ByteBuffer.allocate(8).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            if (bigEndian) bb.putLong(0, v << (64 - 8 * width));
            else bb.putLong(0, v);
            return Arrays.copyOf(bb.array(), width);
        }

        void hostileField() {
            kind = "field";
            if (f.frames.length > 0 && r.nextInt(4) == 0) {
                descriptorField();
                return;
            }
            var fld = pick(f.fields);
            long old = originalValue(fld.offset(), fld.width(), fld.bigEndian());
            long v = hostile(old, fld.width());
            patches.add(new Patch(fld.offset(), encode(v, fld.width(), fld.bigEndian())));
            what = String.format("%s at 0x%x: 0x%x -> 0x%x", fld.name(), fld.offset(), old, v);
        }

        void descriptorField() {
            int i = r.nextInt(f.frames.length);
            long at = f.descriptorOffset + (long) i * PageDescriptor.SIZE;
            int[][] layout = {{0, 8}, {8, 4}, {12, 4}, {16, 8}};
            String[] names = {"offset", "size", "flags", "page_flags"};
            int k = r.nextInt(4);
            long old = originalValue(at + layout[k][0], layout[k][1], false);
            long v = hostile(old, layout[k][1]);
            patches.add(new Patch(at + layout[k][0], encode(v, layout[k][1], false)));
            what = String.format("page descriptor of pfn 0x%x %s: 0x%x -> 0x%x", f.frames[i], names[k], old, v);
        }

        void vmcoreinfo() {
            kind = "vmcoreinfo";
            if (f.info.isEmpty()) {
                randomBytes();
                return;
            }
            var iv = pick(f.info);
            // Same length as the old value: shorter ones are padded with newlines (empty lines, skipped by readers).
            int len = iv.value().length();
            String[] candidates = {changeDigit(iv.value()), "0", "-1", "ffffffffffffffff", "18446744073709551616", "zz",
                    "0x", "-9223372036854775808", "7fffffffffffffff", "4096", "1", "\n", changeDigit(changeDigit(iv.value()))};
            String v = candidates[r.nextInt(candidates.length)];
            if (v.length() > len) v = v.substring(0, len);
            var padded = (v + "\n".repeat(len)).substring(0, len);
            byte[] b = padded.getBytes(StandardCharsets.ISO_8859_1);
            boolean all = r.nextInt(3) != 0;
            for (int i = 0; i < iv.offsets().length; i++)
                if (all || i == 0) patches.add(new Patch(iv.offsets()[i], b));
            what = iv.key() + "=" + iv.value() + " -> " + (v.equals("\n") ? "(line removed)" : v) + (all ? "" : " (first copy only)");
        }

        String changeDigit(String s) {
            if (s.isEmpty()) return s;
            var c = s.toCharArray();
            int i = r.nextInt(c.length);
            c[i] = "0123456789abcdef".charAt(r.nextInt(16));
            return new String(c);
        }

        void kernelData() {
            if (f.targets.isEmpty()) {
                hostileField();
                return;
            }
            kind = "kernel-data";
            var t = pick(f.targets);
            int off = r.nextInt(Math.max(1, t.span() / 8)) * 8;
            long vaddr = t.vaddr() + off, paddr = t.paddr() + off;
            byte[] b;
            String desc;
            long old = readPhys(paddr, 8);
            switch (r.nextInt(6)) {
                case 0, 1 -> {
                    long v = hostile(old, 8);
                    b = encode(v, 8, false);
                    desc = String.format("0x%x -> 0x%x", old, v);
                }
                case 2 -> {
                    b = encode(vaddr, 8, false);
                    desc = String.format("0x%x -> its own address 0x%x (a cycle)", old, vaddr);
                }
                case 3 -> {
                    long v = old ^ (1L << r.nextInt(64));
                    b = encode(v, 8, false);
                    desc = String.format("0x%x -> 0x%x (one bit)", old, v);
                }
                case 4 -> {
                    b = encode(old & 0xffffffff00000000L | r.nextInt() & 0xffffffffL, 8, false);
                    desc = String.format("0x%x -> low 32 bits random", old);
                }
                default -> {
                    int n = 8 + r.nextInt(120);
                    b = new byte[(int) Math.min(n, f.pageSize - (paddr & (f.pageSize - 1)))];
                    r.nextBytes(b);
                    desc = b.length + " random bytes";
                }
            }
            if (b.length > f.pageSize - (paddr & (f.pageSize - 1))) b = Arrays.copyOf(b, (int) (f.pageSize - (paddr & (f.pageSize - 1))));
            writePhys(paddr, b);
            what = String.format("%s+0x%x (vaddr 0x%x, paddr 0x%x): %s", t.name(), off, vaddr, paddr, desc);
        }

        void kernelField() {
            if (f.kernelFields.isEmpty()) {
                hostileField();
                return;
            }
            kind = "kernel-field";
            var t = pick(f.kernelFields);
            int width = t.span();
            long old = readPhys(t.paddr(), 8);
            if (width < 8) old &= (1L << (8 * width)) - 1;
            long v = r.nextInt(5) == 0 && width == 8 ? t.vaddr() : hostile(old, width);
            writePhys(t.paddr(), encode(v, width, false));
            what = String.format("%s (vaddr 0x%x): 0x%x -> 0x%x", t.name(), t.vaddr(), old, v);
        }

        void descriptor() {
            if (f.frames.length < 2) {
                truncate();
                return;
            }
            kind = "descriptor";
            int i = r.nextInt(f.frames.length), j = r.nextInt(f.frames.length);
            if (!f.targets.isEmpty() && r.nextBoolean()) {
                // make a page the kernel reads show another page's bytes
                var t = pick(f.targets);
                int k = Arrays.binarySearch(f.frames, t.paddr() / f.pageSize);
                if (k >= 0) i = k;
            }
            long a = f.descriptorOffset + (long) i * PageDescriptor.SIZE, b = f.descriptorOffset + (long) j * PageDescriptor.SIZE;
            patches.add(new Patch(a, readFile(b, PageDescriptor.SIZE)));
            what = String.format("page of pfn 0x%x shows the bytes of pfn 0x%x (descriptor copied)", f.frames[i], f.frames[j]);
        }

        // ---- reading the fixture ----

        byte[] readFile(long offset, int len) {
            try (var ch = java.nio.channels.FileChannel.open(f.path)) {
                var bb = ByteBuffer.allocate(len);
                ch.read(bb, offset);
                return bb.array();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        int original(long offset) {
            return readFile(offset, 1)[0];
        }

        long originalValue(long offset, int width, boolean bigEndian) {
            var b = Arrays.copyOf(readFile(offset, width), 8);
            if (bigEndian) {
                var bb = ByteBuffer.wrap(readFile(offset, width));
                long v = 0;
                while (bb.hasRemaining()) v = v << 8 | (bb.get() & 0xff);
                return v;
            }
            return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
        }

        long readPhys(long paddr, int len) {
            try (var d = DumpFiles.open(f.path)) {
                var b = new byte[8];
                d.memory().read(paddr, b, 0, Math.min(8, len));
                return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
            }
        }

        /** Makes physical address {@code paddr} hold {@code b} (inside one page). */
        void writePhys(long paddr, byte[] b) {
            if (f.format.equals("elf")) {
                for (long off : f.elfOffsets(paddr)) patches.add(new Patch(off, b));
                return;
            }
            // kdump: the page, changed, appended raw; its descriptor now points there
            long pfn = paddr / f.pageSize;
            int k = Arrays.binarySearch(f.frames, pfn);
            if (k < 0) return;
            var page = new byte[f.pageSize];
            try (var d = DumpFiles.open(f.path)) {
                d.memory().readPage(pfn, page, 0);
            }
            System.arraycopy(b, 0, page, (int) (paddr % f.pageSize), b.length);
            append = page;
            var pd = new byte[PageDescriptor.SIZE];
            new PageDescriptor(f.size, f.pageSize, 0, 0).encode(pd, 0);
            patches.add(new Patch(f.descriptorOffset + (long) k * PageDescriptor.SIZE, Arrays.copyOf(pd, 16)));
        }
    }
}
