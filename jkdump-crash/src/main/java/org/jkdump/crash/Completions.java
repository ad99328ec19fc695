package org.jkdump.crash;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jkdump.format.JkdumpException;
import org.jkdump.kernel.btf.BtfKind;
import org.jkdump.kernel.btf.BtfType;

/**
 * Tab completion of a command's arguments in the shell: struct and union names (from the
 * dump's BTF) after {@code struct}, {@code union}, {@code whatis}, and for {@code -s}/{@code -o}
 * operands; a struct's members after {@code name.}; kernel and module symbols after
 * everything else. Names are read once, on first use.
 */
public final class Completions {
    /** Enough to choose from on a screen; JLine lists them all. */
    static final int MAX_CANDIDATES = 500;
    private static final Set<String> TYPE_COMMANDS = Set.of("struct", "union", "whatis", "list");

    private final Session session;
    private List<String> typeNames;

    public Completions(Session session) {
        this.session = session;
    }

    /** Candidates for the word starting {@code prefix}, an argument of {@code command}. */
    public List<String> candidates(String command, String prefix) {
        try {
            if (TYPE_COMMANDS.contains(command)) {
                if (prefix.contains(".")) return members(prefix);
                var types = typeNames().stream().filter(n -> n.startsWith(prefix)).limit(MAX_CANDIDATES).toList();
                if (!command.equals("list") && !command.equals("whatis")) return types;
                var out = new ArrayList<>(types);
                out.addAll(symbols(prefix));
                return out;
            }
            return symbols(prefix);
        } catch (JkdumpException e) {
            return List.of();  // no BTF or no symbols: nothing to offer, the command will say why
        }
    }

    private List<String> symbols(String prefix) {
        if (prefix.isEmpty()) return List.of();
        return session.kernel().symbols().withPrefix(prefix).stream().map(s -> s.name()).distinct().limit(MAX_CANDIDATES).toList();
    }

    /** {@code task_struct.co} to {@code task_struct.comm} and the other members starting so (anonymous members' too). */
    private List<String> members(String prefix) {
        int dot = prefix.lastIndexOf('.');
        int first = prefix.indexOf('.');
        var typeName = prefix.substring(0, first);
        var path = first == dot ? "" : prefix.substring(first + 1, dot);
        var types = session.kernel().types();
        var t = types.find("struct " + typeName).or(() -> types.find("union " + typeName));
        if (t.isEmpty()) return List.of();
        BtfType cur = t.get();
        if (!path.isEmpty()) {
            var loc = types.findMember(cur, path);
            if (loc.isEmpty()) return List.of();
            cur = loc.get().type();
        }
        var out = new ArrayList<String>();
        if (types.resolve(cur) instanceof BtfType.Composite c) collect(types, c, prefix.substring(0, dot + 1), prefix.substring(dot + 1), out);
        return out;
    }

    private static void collect(org.jkdump.kernel.Types types, BtfType.Composite c, String head, String start, List<String> out) {
        for (var m : c.members()) {
            if (m.name().isEmpty() && types.resolve(types.type(m.type())) instanceof BtfType.Composite inner) collect(types, inner, head, start, out);
            else if (m.name().startsWith(start)) out.add(head + m.name());
        }
    }

    private synchronized List<String> typeNames() {
        if (typeNames == null) {
            var btf = session.kernel().types().btf();
            var names = new TreeSet<String>();
            for (int id = 1; id < btf.typeCount(); id++) {
                var kind = btf.kind(id);
                if (kind != BtfKind.STRUCT && kind != BtfKind.UNION) continue;
                var name = btf.type(id).name();
                if (!name.isEmpty()) names.add(name);
            }
            typeNames = List.copyOf(names);
        }
        return typeNames;
    }
}
