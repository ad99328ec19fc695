package org.jkdump.kernel.helpers;

import java.util.ArrayList;
import java.util.List;
import org.jkdump.kernel.Types;
import org.jkdump.kernel.btf.BtfType;
import org.jkdump.kernel.unwind.TypeLayouts;

/** The unwinder's type queries ({@link TypeLayouts}) answered from the kernel's BTF. */
public record BtfTypeLayouts(Types types) implements TypeLayouts {
    @Override
    public long offsetOf(String typeSpec, String path) {
        return types.offsetOf(typeSpec, path);
    }

    @Override
    public boolean hasMember(String typeSpec, String path) {
        return types.find(typeSpec).isPresent() && types.hasMember(typeSpec, path);
    }

    @Override
    public boolean hasType(String typeSpec) {
        return types.find(typeSpec).isPresent();
    }

    @Override
    public List<Member> members(String structSpec) {
        var t = types.resolve(types.type(structSpec));
        if (!(t instanceof BtfType.Composite c))
            throw new IllegalArgumentException(structSpec + " is not a struct or union");
        var out = new ArrayList<Member>();
        for (var m : c.members())
            out.add(new Member(m.name(), m.bitOffset() / 8, types.sizeof(types.type(m.type()))));
        return out;
    }
}
