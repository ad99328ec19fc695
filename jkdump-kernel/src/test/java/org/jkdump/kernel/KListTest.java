package org.jkdump.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jkdump.kernel.btf.Btf;
import org.jkdump.kernel.btf.BtfBuilder;
import org.jkdump.kernel.btf.BtfBuilder.M;
import org.junit.jupiter.api.Test;

/** list_head and hlist walks over a fake memory: order, empty lists, and every corruption ending in an error. */
class KListTest {
    private static final long BASE = 0xffff888000000000L;
    // struct item { int value; struct list_head node; struct hlist_node hnode; }: value 0, node 8, hnode 24
    private static final long HEAD = BASE, A = BASE + 0x100, B = BASE + 0x200, C = BASE + 0x300;

    private final Types types;
    private final FakeMemory mem = new FakeMemory(BASE, 0x1000);

    KListTest() {
        var b = new BtfBuilder();
        int i = b.intType("int", 4, true);
        int lh = 3, lhp = 2; // ptr (2) refers forward to struct list_head (3)
        b.ptr(lh);
        b.struct("list_head", 16, new M("next", lhp, 0), new M("prev", lhp, 64));
        int hn = 6;
        int hnp = b.ptr(hn);
        int hnpp = b.ptr(hnp);
        b.struct("hlist_node", 16, new M("next", hnp, 0), new M("pprev", hnpp, 64));
        b.struct("hlist_head", 8, new M("first", hnp, 0));
        b.struct("item", 40, new M("value", i, 0), new M("node", lh, 64), new M("hnode", hn, 192));
        types = new Types(Btf.parse("test", b.build()));
    }

    private KObject head() {
        return KObject.at(types, mem, types.type("struct list_head"), HEAD, "head");
    }

    private void link(long... nodes) { // each item's node.next := the next item's node; the last one's := head
        for (int k = 0; k < nodes.length; k++) {
            long next = k + 1 < nodes.length ? nodes[k + 1] + 8 : HEAD;
            mem.u64(nodes[k] + 8, next);
        }
        mem.u64(HEAD, nodes.length == 0 ? HEAD : nodes[0] + 8);
    }

    @Test
    void walksEntriesInListOrder() {
        mem.u32(A, 1).u32(B, 2).u32(C, 3);
        link(A, B, C);
        assertThat(KList.entries(head(), "struct item", "node").map(o -> o.member("value").asLong()))
                .containsExactly(1L, 2L, 3L);
        assertThat(KList.entries(head(), "struct item", "node").map(KObject::address)).containsExactly(A, B, C);
    }

    @Test
    void emptyListHasNoEntries() {
        link();
        assertThat(KList.entries(head(), "struct item", "node")).isEmpty();
    }

    @Test
    void acceptsAPointerToTheHead() {
        mem.u32(A, 7);
        link(A);
        mem.u64(BASE + 0x800, HEAD);
        var ptr = KObject.at(types, mem, types.type("struct list_head *"), BASE + 0x800, "head_ptr");
        assertThat(KList.entries(ptr, "struct item", "node").map(o -> o.member("value").asLong())).containsExactly(7L);
    }

    @Test
    void loopThatMissesTheHeadEndsWithAnError() {
        link(A, B, C);
        mem.u64(C + 8, B + 8); // C -> B: a cycle B, C, B, ... that never returns to the head
        assertThatThrownBy(() -> KList.entries(head(), "struct item", "node").count())
                .isInstanceOf(ObjectReadException.class)
                .hasMessage("list head is corrupt: it loops back to 0x%016x after 3 entries without reaching its head", B + 8);
    }

    @Test
    void longLoopIsFoundWithinThreeTimesItsLength() {
        long[] nodes = new long[100];
        for (int k = 0; k < nodes.length; k++) nodes[k] = BASE + 0x100 + k * 0x20L;
        link(nodes);
        mem.u64(nodes[99] + 8, nodes[10] + 8); // a 90-node loop after a 10-node tail
        var e = org.assertj.core.api.Assertions.catchThrowableOfType(ObjectReadException.class,
                () -> KList.entries(head(), "struct item", "node").count());
        assertThat(e).hasMessageContaining("is corrupt: it loops back to");
        var entries = Long.parseLong(e.getMessage().replaceAll(".* after (\\d+) entries.*", "$1"));
        assertThat(entries).isGreaterThan(100).isLessThanOrEqualTo(3 * 100);
    }

    @Test
    void nullNextPointerEndsWithAnError() {
        link(A, B);
        mem.u64(B + 8, 0);
        assertThatThrownBy(() -> KList.entries(head(), "struct item", "node").toList())
                .isInstanceOf(ObjectReadException.class)
                .hasMessage("list head is corrupt: entry 2 has a NULL next pointer");
    }

    @Test
    void unreadableNodeNamesTheNodeAndEntry() {
        link(A);
        mem.u64(A + 8, 0xdead0000L);
        assertThatThrownBy(() -> KList.entries(head(), "struct item", "node").toList())
                .isInstanceOf(ObjectReadException.class)
                .hasMessage("cannot read list_head.next at 0x00000000dead0000 (entry 2 of head): fake memory: 0xdead0000 is not mapped");
    }

    @Test
    void stopsAtTheEntryLimit() {
        link(A, B, C);
        assertThatThrownBy(() -> KList.entries(head(), "struct item", "node", 2).toList())
                .hasMessage("list head has more than 2 entries: corrupt or looping");
    }

    @Test
    void walksHlistToNullAndCatchesItsLoops() {
        var hhead = KObject.at(types, mem, types.type("struct hlist_head"), HEAD, "bucket");
        mem.u32(A, 1).u32(B, 2);
        mem.u64(HEAD, A + 24).u64(A + 24, B + 24).u64(B + 24, 0);
        assertThat(KList.hlistEntries(hhead, "struct item", "hnode").map(o -> o.member("value").asLong())).containsExactly(1L, 2L);
        mem.u64(B + 24, A + 24);
        assertThatThrownBy(() -> KList.hlistEntries(hhead, "struct item", "hnode").toList())
                .hasMessage("hlist bucket is corrupt: it loops back to 0x%016x after 3 entries without reaching its end", B + 24);
        mem.u64(HEAD, 0);
        assertThat(KList.hlistEntries(hhead, "struct item", "hnode")).isEmpty();
    }
}
