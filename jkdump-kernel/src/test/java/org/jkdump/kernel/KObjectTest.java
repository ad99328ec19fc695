package org.jkdump.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jkdump.kernel.btf.Btf;
import org.jkdump.kernel.btf.BtfBuilder;
import org.jkdump.kernel.btf.BtfBuilder.M;
import org.jkdump.kernel.btf.BtfKind;
import org.junit.jupiter.api.Test;

/** Typed values over a fake memory and over held bytes: bitfields, enums, strings, pointers, casts, errors. */
class KObjectTest {
    private static final long BASE = 0xffff888000000000L;

    private final BtfBuilder b = new BtfBuilder();
    private final int u8 = b.intType("unsigned char", 1, false);
    private final int s32 = b.intType("int", 4, true);
    private final int u64 = b.intType("long long unsigned int", 8, false);
    private final int chr = b.intType("char", 1, true);
    private final int comm = b.array(chr, s32, 8);
    private final int charPtr = b.ptr(chr);
    private final int voidPtr = b.ptr(0);
    private final int pidType = b.enumType("pid_type", 4, false, "PIDTYPE_PID", 0, "PIDTYPE_TGID", 1);
    private final int state = b.enumType("state", 4, true, "NEG", -2, "POS", 3);
    // old-style bitfield: the INT itself says 3 bits at bit offset 2 (BTF without kind_flag)
    private final int u3 = b.add(BtfKind.INT, "unsigned int", 0, false, 4, (2 << 16) | 3);
    // struct info (printk_info-like): u8 flags:5 @152, u8 level:3 @157, int delta:4 @160 (signed), pid_type kind @192
    private final int info = b.struct("info", 40,
            new M("seq", u64, 0, 0), new M("name", comm, 64, 0), new M("flags", u8, 152, 5), new M("level", u8, 157, 3),
            new M("delta", s32, 160, 4), new M("kind", pidType, 192, 0), new M("st", state, 224, 0), new M("text", charPtr, 256, 0));
    private final int old = b.struct("old", 4, new M("x", u3, 0));
    private final int infoPtr = b.ptr(info);
    private final int bigArr = b.array(u64, s32, 0x7fffffff);
    private final Types types = new Types(Btf.parse("test", b.build()));
    private final FakeMemory mem = new FakeMemory(BASE, 0x1000);

    private byte[] infoBytes() {
        var v = new byte[40];
        v[0] = 42; // seq
        System.arraycopy("abc".getBytes(), 0, v, 8, 3); // name
        v[19] = (byte) (0x15 | 6 << 5); // flags 0x15, level 6
        v[20] = 0xc; // delta: 4 bits 1100 = -4
        v[24] = 1; // kind PIDTYPE_TGID
        v[28] = (byte) 0xfe; v[29] = (byte) 0xff; v[30] = (byte) 0xff; v[31] = (byte) 0xff; // st = -2
        long text = BASE + 0x100;
        for (int i = 0; i < 8; i++) v[32 + i] = (byte) (text >>> 8 * i);
        return v;
    }

    @Test
    void readsBitfieldsEnumsAndStringsFromHeldBytes() {
        var o = KObject.value(types, mem, types.type("struct info"), infoBytes());
        mem.put(BASE + 0x100, "hello\0".getBytes());
        assertThat(o.member("seq").asLong()).isEqualTo(42);
        assertThat(o.member("name").asString()).isEqualTo("abc");
        assertThat(o.member("flags").asLong()).isEqualTo(0x15);
        assertThat(o.member("level").asLong()).isEqualTo(6);
        assertThat(o.member("delta").asLong()).isEqualTo(-4);
        assertThat(o.member("delta").asUnsigned()).isEqualTo(12);
        assertThat(o.member("kind").enumName()).contains("PIDTYPE_TGID");
        assertThat(o.member("st").asLong()).isEqualTo(-2);
        assertThat(o.member("st").enumName()).contains("NEG");
        assertThat(o.member("text").asString()).isEqualTo("hello");
        assertThat(o.hasAddress()).isFalse();
    }

    @Test
    void referenceAndSnapshotReadTheSame() {
        mem.put(BASE, infoBytes());
        var ref = KObject.at(types, mem, types.type("struct info"), BASE);
        var snap = ref.read();
        for (var m : new String[] {"seq", "flags", "level", "delta", "kind", "st"})
            assertThat(ref.member(m).asLong()).as(m).isEqualTo(snap.member(m).asLong());
        assertThat(ref.member("level").address()).isEqualTo(BASE + 19);
        assertThat(ref.member("name").index(1).asLong()).isEqualTo('b');
        assertThat(snap.member("name").index(2).asLong()).isEqualTo('c');
    }

    @Test
    void oldStyleIntBitfieldsUseTheIntsOffsetAndWidth() {
        var o = KObject.value(types, mem, types.type("struct old"), new byte[] {(byte) 0b0001_1100, 0, 0, 0});
        assertThat(types.member(types.type("struct old"), "x")).extracting(MemberLocation::bitOffset, MemberLocation::bitSize)
                .containsExactly(2L, 3);
        assertThat(o.member("x").asLong()).isEqualTo(0b111);
    }

    @Test
    void pointersDerefIndexAndCast() {
        mem.put(BASE + 0x200, infoBytes());
        var p = KObject.value(types, mem, types.btf().type(infoPtr), BASE + 0x200);
        assertThat(p.deref().member("seq").asLong()).isEqualTo(42);
        assertThat(p.member("level").asLong()).isEqualTo(6); // -> through the pointer
        assertThat(p.index(0).address()).isEqualTo(BASE + 0x200);
        assertThat(p.index(2).address()).isEqualTo(BASE + 0x200 + 80);
        var asVoid = p.cast(types.btf().type(voidPtr));
        assertThat(asVoid.asUnsigned()).isEqualTo(BASE + 0x200);
        assertThat(asVoid.cast(types.btf().type(infoPtr)).member("flags").asLong()).isEqualTo(0x15);
        assertThat(KObject.containerOf(types, mem, BASE + 0x200 + 24, "struct info", "kind").address()).isEqualTo(BASE + 0x200);
        assertThat(types.name(p.type())).isEqualTo("struct info *");
    }

    @Test
    void misuseFailsWithTheObjectAndItsType() {
        var o = KObject.at(types, mem, types.type("struct info"), BASE, "inf");
        assertThatThrownBy(() -> o.member("seq").member("x"))
                .isInstanceOf(TypeMismatchException.class)
                .hasMessage("cannot take member 'x' of inf.seq: unsigned long long is not a struct, union or pointer to one");
        assertThatThrownBy(() -> o.member("name").index(8))
                .hasMessage("index 8 is outside inf.name (char [8], 8 elements)");
        var v = KObject.value(types, mem, types.btf().type(voidPtr), BASE);
        assertThatThrownBy(v::deref).hasMessage("cannot dereference (void *)0xffff888000000000: it is a void pointer (cast it first)");
        var nul = KObject.value(types, mem, types.btf().type(infoPtr), 0);
        assertThatThrownBy(() -> nul.member("seq")).isInstanceOf(ObjectReadException.class)
                .hasMessage("cannot dereference (struct info *)0x0 (struct info *): it is NULL");
        assertThatThrownBy(() -> o.member("name").asLong()).hasMessage("inf.name (char [8]) is not an integer, enum or pointer");
        assertThatThrownBy(() -> o.member("nope")).isInstanceOf(UnknownTypeException.class)
                .hasMessage("struct info has no member 'nope' (reading inf) in test");
        assertThatThrownBy(() -> o.member("name[")).hasMessage("member path 'name[' at position 4: '[' without ']'");
    }

    @Test
    void unreadableMemoryNamesWhatWhereAndWhy() {
        var o = KObject.at(types, mem, types.type("struct info"), 0xffffc90000000000L, "inf");
        assertThatThrownBy(() -> o.member("kind").enumName())
                .isInstanceOf(ObjectReadException.class)
                .hasMessage("cannot read inf.kind (enum pid_type) at 0xffffc90000000018: fake memory: 0xffffc90000000018 is not mapped")
                .extracting(e -> ((ObjectReadException) e).address()).isEqualTo(0xffffc90000000018L);
    }

    @Test
    void refusesToReadAnAbsurdlyLargeObject() {
        var big = KObject.at(types, mem, types.btf().type(bigArr), BASE, "big");
        assertThatThrownBy(big::bytes).isInstanceOf(TypeMismatchException.class)
                .hasMessage("big (unsigned long long [2147483647]) is 17179869176 bytes, more than the 16777216 read at once");
        assertThat(big.index(3).address()).isEqualTo(BASE + 24); // elements remain reachable
    }
}
