package org.jkdump.kernel.btf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.jkdump.kernel.MemberLocation;
import org.jkdump.kernel.Types;
import org.jkdump.kernel.btf.BtfBuilder.M;
import org.junit.jupiter.api.Test;

class BtfParserTest {

    /** One type of every kind, as the kernel's BTF uses them. */
    static final class AllKinds {
        final BtfBuilder b = new BtfBuilder();
        final int intT = b.intType("int", 4, true);
        final int ulong = b.intType("long unsigned int", 8, false);
        final int chr = b.intType("char", 1, true);
        final int listPtr = b.ptr(5); // a forward reference, as struct list_head's own members make
        final int list = b.struct("list_head", 16, new M("next", listPtr, 0), new M("prev", listPtr, 64));
        final int charArr = b.array(chr, intT, 16);
        final int constChar = b.constOf(chr);
        final int constCharPtr = b.ptr(constChar);
        final int charPtr = b.ptr(chr);
        final int constPtr = b.constOf(charPtr);
        final int volatileInt = b.volatileOf(intT);
        final int restrictPtr = b.restrictOf(charPtr);
        final int pidT = b.typedef("pid_t", intT);
        final int anonUnion = b.union("", 8, new M("a", intT, 0), new M("b", ulong, 0));
        final int flags = b.struct("flags", 8, new M("lo", intT, 0, 3), new M("hi", intT, 3, 5), new M("", anonUnion, 0, 0));
        final int pidType = b.enumType("pid_type", 4, false, "PIDTYPE_PID", 0, "PIDTYPE_TGID", 1, "PIDTYPE_MAX", 4);
        final int big = b.enum64("big", false, "BIG", 0x1_0000_0000L);
        final int fwd = b.fwd("later", false);
        final int proto = b.funcProto(intT, listPtr, 0);
        final int protoVoid = b.funcProto(0);
        final int fnPtr = b.ptr(proto);
        final int func = b.func("list_walk", proto);
        final int var = b.var("runqueues", list);
        final int sec = b.datasec(".data..percpu", 64, var, 0x40, 16);
        final int dbl = b.floatType("double", 8);
        final int tag = b.declTag("user", list, 0);
        final int tagged = b.typeTag("rcu", list);
        final int taggedPtr = b.ptr(tagged);
        final int fnPtrArr = b.array(fnPtr, intT, 4);
        final int arrPtr = b.ptr(charArr);
        final Btf btf = Btf.parse("all-kinds", b.build());
        final Types types = new Types(btf);
    }

    @Test
    void decodesEveryKind() {
        var k = new AllKinds();
        var btf = k.btf;
        assertThat(btf.typeCount()).isEqualTo(k.arrPtr + 1);
        assertThat(btf.type(k.intT)).isEqualTo(new BtfType.Int(k.intT, "int", 4, true, false, false, 0, 32));
        assertThat(k.list).isEqualTo(5);
        assertThat(btf.type(k.listPtr)).isEqualTo(new BtfType.Ptr(k.listPtr, k.list));
        assertThat(btf.type(k.charArr)).isEqualTo(new BtfType.Array(k.charArr, k.chr, k.intT, 16));
        assertThat(btf.type(k.list)).isEqualTo(new BtfType.Struct(k.list, "list_head", 16,
                List.of(new BtfType.Member("next", k.listPtr, 0, 0), new BtfType.Member("prev", k.listPtr, 64, 0)), false));
        assertThat(((BtfType.Struct) btf.type(k.flags)).members()).containsExactly(
                new BtfType.Member("lo", k.intT, 0, 3), new BtfType.Member("hi", k.intT, 3, 5), new BtfType.Member("", k.anonUnion, 0, 0));
        assertThat(btf.type(k.anonUnion)).isInstanceOf(BtfType.Union.class);
        assertThat(btf.type(k.pidType)).isEqualTo(new BtfType.Enum(k.pidType, "pid_type", 4, false, false, List.of(
                new BtfType.Enumerator("PIDTYPE_PID", 0), new BtfType.Enumerator("PIDTYPE_TGID", 1), new BtfType.Enumerator("PIDTYPE_MAX", 4))));
        assertThat(btf.type(k.big)).isEqualTo(new BtfType.Enum(k.big, "big", 8, false, true, List.of(new BtfType.Enumerator("BIG", 0x1_0000_0000L))));
        assertThat(btf.type(k.big).kind()).isEqualTo(BtfKind.ENUM64);
        assertThat(btf.type(k.fwd)).isEqualTo(new BtfType.Fwd(k.fwd, "later", false));
        assertThat(btf.type(k.pidT)).isEqualTo(new BtfType.Typedef(k.pidT, "pid_t", k.intT));
        assertThat(btf.type(k.volatileInt)).isEqualTo(new BtfType.Volatile(k.volatileInt, k.intT));
        assertThat(btf.type(k.constChar)).isEqualTo(new BtfType.Const(k.constChar, k.chr));
        assertThat(btf.type(k.restrictPtr)).isEqualTo(new BtfType.Restrict(k.restrictPtr, k.charPtr));
        assertThat(btf.type(k.proto)).isEqualTo(new BtfType.FuncProto(k.proto, k.intT, List.of(new BtfType.Param("", k.listPtr)), true));
        assertThat(btf.type(k.func)).isEqualTo(new BtfType.Func(k.func, "list_walk", k.proto, 1));
        assertThat(btf.type(k.var)).isEqualTo(new BtfType.Var(k.var, "runqueues", k.list, 1));
        assertThat(btf.type(k.sec)).isEqualTo(new BtfType.DataSec(k.sec, ".data..percpu", 64, List.of(new BtfType.VarSecInfo(k.var, 0x40, 16))));
        assertThat(btf.type(k.dbl)).isEqualTo(new BtfType.Float(k.dbl, "double", 8));
        assertThat(btf.type(k.tag)).isEqualTo(new BtfType.DeclTag(k.tag, "user", k.list, 0));
        assertThat(btf.type(k.tagged)).isEqualTo(new BtfType.TypeTag(k.tagged, "rcu", k.list));
        assertThat(btf.type(0)).isInstanceOf(BtfType.Void.class);
    }

    @Test
    void findsTypesByNameAndKind() {
        var k = new AllKinds();
        assertThat(k.btf.named("list_head")).extracting(BtfType::id).containsExactly(k.list);
        assertThat(k.btf.named("pid_t", BtfKind.TYPEDEF)).map(BtfType::id).contains(k.pidT);
        assertThat(k.btf.named("pid_t", BtfKind.STRUCT)).isEmpty();
        assertThat(k.btf.named("nothing")).isEmpty();
        assertThat(k.types.find("unsigned long")).map(BtfType::id).contains(k.ulong);
        assertThat(k.types.find("long unsigned int")).map(BtfType::id).contains(k.ulong);
        assertThat(k.types.find("enum pid_type")).map(BtfType::id).contains(k.pidType);
        assertThat(k.types.find("char *")).map(BtfType::id).contains(k.charPtr);
        assertThat(k.types.find("void")).map(BtfType::id).contains(0);
        assertThat(k.types.enumValue("pid_type", "PIDTYPE_TGID")).isEqualTo(1);
        assertThat(k.types.constant("PIDTYPE_MAX")).hasValue(4);
        assertThat(k.types.constant("BIG")).hasValue(0x1_0000_0000L);
        assertThat(k.types.variable("runqueues")).hasValueSatisfying(v -> {
            assertThat(v.section()).isEqualTo(".data..percpu");
            assertThat(v.offset()).isEqualTo(0x40);
            assertThat(v.type().id()).isEqualTo(k.list);
        });
    }

    @Test
    void spellsTypeNamesAsC() {
        var k = new AllKinds();
        var t = k.types;
        assertThat(t.name(k.btf.type(k.listPtr))).isEqualTo("struct list_head *");
        assertThat(t.name(k.btf.type(k.charArr))).isEqualTo("char [16]");
        assertThat(t.declaration(k.btf.type(k.charArr), "comm")).isEqualTo("char comm[16]");
        assertThat(t.name(k.btf.type(k.ulong))).isEqualTo("unsigned long");
        assertThat(t.name(k.btf.type(k.constCharPtr))).isEqualTo("const char *");
        assertThat(t.declaration(k.btf.type(k.constPtr), "p")).isEqualTo("char *const p");
        assertThat(t.name(k.btf.type(k.volatileInt))).isEqualTo("volatile int");
        assertThat(t.name(k.btf.type(k.restrictPtr))).isEqualTo("char *restrict");
        assertThat(t.declaration(k.btf.type(k.fnPtr), "fn")).isEqualTo("int (*fn)(struct list_head *, ...)");
        assertThat(t.name(k.btf.type(k.protoVoid))).isEqualTo("void (void)");
        assertThat(t.declaration(k.btf.type(k.fnPtrArr), "ops")).isEqualTo("int (*ops[4])(struct list_head *, ...)");
        assertThat(t.declaration(k.btf.type(k.arrPtr), "p")).isEqualTo("char (*p)[16]");
        assertThat(t.name(k.btf.type(k.anonUnion))).isEqualTo("union {...}");
        assertThat(t.name(k.btf.type(k.pidType))).isEqualTo("enum pid_type");
        assertThat(t.name(k.btf.type(k.fwd))).isEqualTo("struct later");
        assertThat(t.name(k.btf.type(k.taggedPtr))).isEqualTo("struct list_head *");
        assertThat(t.name(k.btf.type(k.func))).isEqualTo("int list_walk(struct list_head *, ...)");
        assertThat(t.name(k.btf.type(0))).isEqualTo("void");
    }

    @Test
    void locatesMembersThroughAnonymousUnionsAndBitfields() {
        var k = new AllKinds();
        var flags = k.btf.type(k.flags);
        assertThat(k.types.member(flags, "hi")).isEqualTo(new MemberLocation("hi", k.btf.type(k.intT), 3, 5));
        assertThat(k.types.member(flags, "hi").isBitfield()).isTrue();
        assertThat(k.types.member(flags, "b").bitOffset()).isZero();
        assertThat(k.types.member(flags, "b").type().id()).isEqualTo(k.ulong);
        assertThat(k.types.hasMember(flags, "a")).isTrue();
        assertThat(k.types.hasMember(flags, "c")).isFalse();
        assertThatThrownBy(() -> k.types.member(flags, "c"))
                .hasMessage("struct flags has no member 'c' in all-kinds");
        assertThat(k.types.sizeof(k.btf.type(k.charArr))).isEqualTo(16);
        assertThat(k.types.sizeof(k.btf.type(k.pidT))).isEqualTo(4);
        assertThatThrownBy(() -> k.types.sizeof(k.btf.type(k.fwd))).hasMessage("struct later has no size (FWD)");
    }

    @Test
    void readsSplitBtfWithIdsAndStringsAfterItsBase() {
        var k = new AllKinds();
        var split = BtfBuilder.splitOver(k.btf);
        int mod = split.struct("vsock_loopback", 24, new M("list", k.list, 0), new M("pid", k.pidT, 128));
        int ptr = split.ptr(mod);
        var btf = Btf.parseSplit("module", split.build(), k.btf);
        assertThat(btf.firstId()).isEqualTo(k.btf.typeCount());
        assertThat(mod).isEqualTo(k.btf.typeCount());
        var types = new Types(btf);
        assertThat(types.name(btf.type(ptr))).isEqualTo("struct vsock_loopback *");
        assertThat(types.offsetOf("struct vsock_loopback", "list.prev")).isEqualTo(8);
        assertThat(types.name(types.member(types.type("struct vsock_loopback"), "pid").type())).isEqualTo("pid_t");
        assertThat(types.find("pid_t")).map(BtfType::id).contains(k.pidT); // base types are found through the split
    }

    // ---- hostile input: every path names the blob, the offset and what is wrong

    @Test
    void rejectsTruncatedHeader() {
        assertThatThrownBy(() -> Btf.parse("t.btf", Arrays.copyOf(new AllKinds().b.build(), 10)))
                .isInstanceOf(MalformedBtfException.class)
                .hasMessage("t.btf: offset 0x0: truncated header: the blob has 10 bytes, struct btf_header needs 24");
    }

    @Test
    void rejectsBadMagicAndBigEndian() {
        var blob = new AllKinds().b.build();
        blob[0] = 0x12;
        assertThatThrownBy(() -> Btf.parse("t.btf", blob)).hasMessage("t.btf: offset 0x0: bad magic 0xeb12, expected 0xeb9f");
        blob[0] = (byte) 0xeb;
        blob[1] = (byte) 0x9f;
        assertThatThrownBy(() -> Btf.parse("t.btf", blob)).hasMessageContaining("big-endian BTF");
    }

    @Test
    void rejectsTypeSectionPastTheEnd() {
        var b = new AllKinds().b;
        int len = b.typeSectionLength();
        var blob = b.build(len + 1000, len, b.build().length - 24 - len);
        assertThatThrownBy(() -> Btf.parse("t.btf", blob))
                .isInstanceOf(MalformedBtfException.class)
                .hasMessage("t.btf: offset 0x8: type section (type_off 0, type_len %d) extends past the end of the blob (%d bytes after the header)",
                        len + 1000, blob.length - 24);
    }

    @Test
    void rejectsNameOffsetPastTheStringSection() {
        var b = new BtfBuilder();
        b.raw(5000, BtfKind.INT.code(), 0, false, 4, 32);
        assertThatThrownBy(() -> Btf.parse("t.btf", b.build()))
                .isInstanceOf(MalformedBtfException.class)
                .hasMessage("t.btf: offset 0x18: type [1]: name offset 5000 is past the end of the string section (1 bytes)");
    }

    @Test
    void rejectsTypedefConstCycle() {
        var b = new BtfBuilder();
        b.typedef("loop_t", 2);
        b.constOf(1);
        assertThatThrownBy(() -> Btf.parse("t.btf", b.build()))
                .isInstanceOf(MalformedBtfException.class)
                .hasMessage("t.btf: offset 0x18: type reference cycle: [1] TYPEDEF 'loop_t' -> [2] CONST -> [1]");
    }

    @Test
    void rejectsPointerToItselfAndStructContainingItself() {
        var p = new BtfBuilder();
        p.ptr(1);
        assertThatThrownBy(() -> Btf.parse("t.btf", p.build())).hasMessage("t.btf: offset 0x18: type reference cycle: [1] PTR -> [1]");
        var s = new BtfBuilder();
        int i = s.intType("int", 4, true);
        s.struct("outer", 8, new M("x", i, 0), new M("self", 3, 32));
        s.array(2, i, 1);
        assertThatThrownBy(() -> Btf.parse("t.btf", s.build()))
                .hasMessage("t.btf: offset 0x28: type reference cycle: [2] STRUCT 'outer' -> [3] ARRAY -> [2]");
    }

    @Test
    void acceptsStructsThatPointAtEachOther() {
        var b = new BtfBuilder();
        b.struct("a", 8, new M("b", 3, 0));
        b.struct("b", 8, new M("a", 4, 0));
        b.ptr(2);
        b.ptr(1);
        var types = new Types(Btf.parse("t.btf", b.build()));
        assertThat(types.name(types.member(types.type("struct a"), "b").type())).isEqualTo("struct b *");
    }

    @Test
    void rejectsAbsurdVlen() {
        var b = new BtfBuilder();
        int i = b.intType("int", 4, true);
        b.raw(0, BtfKind.STRUCT.code(), 0xffff, false, 4, 0, i, 0);
        assertThatThrownBy(() -> Btf.parse("t.btf", b.build()))
                .isInstanceOf(MalformedBtfException.class)
                .hasMessage("t.btf: offset 0x28: type [2] STRUCT: 65535 entries (786432 bytes) extend past the end of the type section at 0x40");
    }

    @Test
    void rejectsReferenceToMissingType() {
        var b = new BtfBuilder();
        b.ptr(7);
        assertThatThrownBy(() -> Btf.parse("t.btf", b.build()))
                .hasMessage("t.btf: offset 0x20: type [1] PTR: refers to type [7], but the last type id is 1");
    }

    @Test
    void rejectsUnknownKindAndRecordCutShort() {
        var b = new BtfBuilder();
        b.raw(0, 25, 0, false, 0);
        assertThatThrownBy(() -> Btf.parse("t.btf", b.build())).hasMessage("t.btf: offset 0x1c: type [1]: unknown kind 25");
        var c = new BtfBuilder();
        c.intType("int", 4, true);
        var cut = c.build();
        ByteBuffer.wrap(cut).order(ByteOrder.LITTLE_ENDIAN).putInt(12, 8); // type_len: less than one record
        assertThatThrownBy(() -> Btf.parse("t.btf", cut))
                .hasMessage("t.btf: offset 0x18: type [1]: 8 bytes left in the type section, a type record needs 12");
    }

    @Test
    void rejectsNestingDeeperThanTheBound() {
        var b = new BtfBuilder();
        int prev = b.intType("int", 4, true);
        for (int i = 0; i < Btf.MAX_DEPTH + 5; i++) prev = b.typedef("t" + i, prev);
        assertThatThrownBy(() -> Btf.parse("t.btf", b.build()))
                .isInstanceOf(MalformedBtfException.class)
                .hasMessageContaining("references nest more than 512 levels deep");
    }

    @Test
    void rejectsBitfieldOutsideItsStructAndFuncWithoutProto() {
        var b = new BtfBuilder();
        int i = b.intType("int", 4, true);
        b.struct("s", 4, new M("x", i, 30, 4));
        assertThatThrownBy(() -> Btf.parse("t.btf", b.build()))
                .hasMessage("t.btf: offset 0x3c: type [2] STRUCT: member 0 at bit offset 30 lies outside the 4-byte struct");
        var f = new BtfBuilder();
        int j = f.intType("int", 4, true);
        f.func("f", j);
        assertThatThrownBy(() -> Btf.parse("t.btf", f.build()))
                .hasMessage("t.btf: offset 0x30: type [2] FUNC: refers to type [1] INT, not a FUNC_PROTO");
    }

    @Test
    void rejectsStringSectionWithoutFinalNul() {
        var b = new BtfBuilder();
        b.intType("int", 4, true);
        var blob = b.build();
        blob[blob.length - 1] = 'x';
        assertThatThrownBy(() -> Btf.parse("t.btf", blob))
                .hasMessage("t.btf: offset 0x%x: string section does not end with a NUL byte", blob.length - 1);
    }

    @Test
    void sizeOfAnArrayThatOverflowsIsAnError() {
        var b = new BtfBuilder();
        int i = b.intType("long", 8, true);
        int a = b.array(i, i, -1);
        int aa = b.array(a, i, -1);
        var types = new Types(Btf.parse("t.btf", b.build()));
        assertThat(types.sizeof(types.btf().type(a))).isEqualTo(0xffffffffL * 8);
        assertThatThrownBy(() -> types.sizeof(types.btf().type(aa)))
                .hasMessage("size of long [4294967295][4294967295] overflows 64 bits");
    }
}
