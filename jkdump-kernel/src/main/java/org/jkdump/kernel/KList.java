package org.jkdump.kernel;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.btf.BtfType;

/**
 * The kernel's intrusive lists (include/linux/list.h): {@code list_for_each_entry} over a
 * circular {@code struct list_head} and {@code hlist_for_each_entry} over a NULL-ended
 * {@code struct hlist_head}, as lazy streams of the containing objects. A corrupt list
 * ends with an error naming the list and the node, never a hang: a loop that does not
 * pass through the head is found by Brent's cycle detection (within three times the
 * list's length, no extra memory), and no walk goes past {@link #MAX_ENTRIES}. Next-pointer
 * offsets come from the kernel's own list_head and hlist_node types.
 */
public final class KList {
    /** More entries than any real list of a kernel (tasks, modules, a directory's dentries) holds. */
    public static final long MAX_ENTRIES = 1L << 24;

    private KList() {
    }

    /**
     * {@code list_for_each_entry(pos, head, member)}: the {@code type} objects linked through
     * their list_head {@code member} on the list headed by {@code head} (a
     * {@code struct list_head} or a pointer to one). The head itself is not an entry.
     */
    public static Stream<KObject> entries(KObject head, String type, String member) {
        return entries(head, type, member, MAX_ENTRIES);
    }

    /** As {@link #entries(KObject, String, String)}, failing after {@code limit} entries. */
    public static Stream<KObject> entries(KObject head, String type, String member, long limit) {
        var h = target(head);
        var types = h.types();
        long next = types.offsetOf("struct list_head", "next");
        long first = readPointer(h, h.address() + next, "list_head.next of the head", 0);
        var walk = new Walk(h, "list", first, h.address(), next, limit);
        return containers(h, walk, type, member);
    }

    /**
     * {@code hlist_for_each_entry(pos, head, member)}: the {@code type} objects linked
     * through their hlist_node {@code member} on the hash chain {@code head} (a
     * {@code struct hlist_head} or a pointer to one), ending at NULL.
     */
    public static Stream<KObject> hlistEntries(KObject head, String type, String member) {
        var h = target(head);
        var types = h.types();
        long first = readPointer(h, h.address() + types.offsetOf("struct hlist_head", "first"), "hlist_head.first", 0);
        var walk = new Walk(h, "hlist", first, 0, types.offsetOf("struct hlist_node", "next"), MAX_ENTRIES);
        return containers(h, walk, type, member);
    }

    private static Stream<KObject> containers(KObject head, Walk walk, String type, String member) {
        var types = head.types();
        var t = types.type(type);
        long offset = types.offsetOf(t, member);
        String origin = types.name(t) + " on " + head.origin();
        var it = Spliterators.spliteratorUnknownSize(walk, Spliterator.ORDERED | Spliterator.NONNULL);
        return StreamSupport.stream(it, false)
                .map(node -> KObject.at(types, head.memory(), t, node - offset, origin + " #" + walk.count));
    }

    private static KObject target(KObject head) {
        return head.types().resolve(head.type()) instanceof BtfType.Ptr ? head.deref() : head;
    }

    private static long readPointer(KObject head, long at, String what, long entry) {
        try {
            return head.memory().u64(at);
        } catch (JkdumpException e) {
            throw new ObjectReadException(String.format("cannot read %s at 0x%016x (entry %d of %s): %s",
                    what, at, entry, head.origin(), e.getMessage()), at, e);
        }
    }

    /** Node addresses from {@code first} until {@code end} (the head, or 0 for an hlist). */
    private static final class Walk implements Iterator<Long> {
        private final KObject head;
        private final String kind;
        private final long end, nextOffset, limit;
        private long cur;
        private long count;
        // Brent: compare each node with one saved node; save anew at powers of two
        private long saved;
        private long power = 1, steps;

        Walk(KObject head, String kind, long first, long end, long nextOffset, long limit) {
            this.head = head;
            this.kind = kind;
            this.cur = first;
            this.end = end;
            this.nextOffset = nextOffset;
            this.limit = limit;
            this.saved = end;
        }

        @Override
        public boolean hasNext() {
            if (cur == end) return false;
            if (cur == 0)
                throw new ObjectReadException(String.format("%s %s is corrupt: entry %d has a NULL next pointer", kind, head.origin(), count), 0, null);
            return true;
        }

        @Override
        public Long next() {
            if (!hasNext()) throw new NoSuchElementException();
            long node = cur;
            if (++count > limit)
                throw new ObjectReadException(String.format("%s %s has more than %d entries: corrupt or looping", kind, head.origin(), limit), node, null);
            cur = readPointer(head, node + nextOffset, kind.equals("list") ? "list_head.next" : "hlist_node.next", count);
            if (cur == saved && cur != end)
                throw new ObjectReadException(String.format("%s %s is corrupt: it loops back to 0x%016x after %d entries without reaching its %s",
                        kind, head.origin(), cur, count, end == 0 ? "end" : "head"), cur, null);
            if (++steps == power) {
                saved = cur;
                power <<= 1;
                steps = 0;
            }
            return node;
        }
    }
}
