package org.jkdump.crash;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.jkdump.kernel.Types;
import org.jkdump.kernel.btf.BtfType;

/**
 * A struct or union definition as crash's {@code struct NAME} and {@code struct -o NAME} print
 * it: one line per member with its C declaration, anonymous structs and unions expanded in
 * place and indented four spaces a level. With offsets, each line starts with the member's
 * byte offset in brackets, right-aligned in a field four wider than SIZE's digits; members
 * of an anonymous type that has a member name ({@code struct {...} lru_gen;}) show no offset
 * of their own, the closing line carries the named member's.
 *
 * @param keyword {@code struct} or {@code union}
 * @param name    the type's name
 * @param size    sizeof, in bytes
 * @param lines   the members, in order, with the braces of anonymous types
 */
public record TypeLayout(String keyword, String name, long size, List<Line> lines) {
    /** One line of the body: the offset when shown, the nesting depth and the C text. */
    public record Line(OptionalLong offset, int depth, String text) {
    }

    public static TypeLayout of(Types types, BtfType.Composite c) {
        var lines = new ArrayList<Line>();
        members(types, c, 0, 0, true, lines);
        return new TypeLayout(c instanceof BtfType.Union ? "union" : "struct", c.name(), c.size(), lines);
    }

    private static void members(Types types, BtfType.Composite c, long baseBits, int depth, boolean offsets, List<Line> out) {
        for (var m : c.members()) {
            var t = types.type(m.type());
            long bits = baseBits + m.bitOffset();
            var off = offsets ? OptionalLong.of(bits >>> 3) : OptionalLong.empty();
            if (stripQualifiers(types, t) instanceof BtfType.Composite inner && inner.name().isEmpty()) {
                out.add(new Line(OptionalLong.empty(), depth, (inner instanceof BtfType.Union ? "union" : "struct") + " {"));
                members(types, inner, bits, depth + 1, offsets && m.name().isEmpty(), out);
                out.add(m.name().isEmpty() ? new Line(OptionalLong.empty(), depth, "};") : new Line(off, depth, "} " + m.name() + ";"));
                continue;
            }
            var decl = types.declaration(t, m.name());
            if (m.bitfieldSize() != 0) decl += " : " + m.bitfieldSize();
            out.add(new Line(off, depth, decl + ";"));
        }
    }

    private static BtfType stripQualifiers(Types types, BtfType t) {
        while (t instanceof BtfType.Const || t instanceof BtfType.Volatile || t instanceof BtfType.TypeTag) {
            t = switch (t) {
                case BtfType.Const c -> types.type(c.target());
                case BtfType.Volatile v -> types.type(v.target());
                case BtfType.TypeTag tag -> types.type(tag.target());
                default -> t;
            };
        }
        return t;
    }

    /** The definition as crash prints it, with or without offsets, ending with {@code SIZE: n}. */
    public List<String> text(boolean withOffsets) {
        var out = new ArrayList<String>();
        out.add(keyword + " " + name + " {");
        int width = Long.toString(size).length() + 4;
        var blank = " ".repeat(width);
        for (var l : lines) {
            var body = "    ".repeat(l.depth()) + l.text();
            if (!withOffsets) out.add("    " + body);
            else out.add((l.offset().isPresent() ? String.format("%" + width + "s", "[" + l.offset().getAsLong() + "]") : blank) + " " + body);
        }
        out.add("}");
        out.add("SIZE: " + size);
        return out;
    }
}
