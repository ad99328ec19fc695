package org.jkdump.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * A member designator as C's offsetof and crash's {@code struct} take it:
 * {@code "se.avg.load_avg"}, {@code "pid_links[2].next"}, {@code "[3]"}. Parsed into
 * steps; a malformed path fails with the path and the position.
 */
sealed interface MemberPath {
    /** Select the member {@code name} (searched through anonymous members). */
    record Name(String name) implements MemberPath {
    }

    /** Select element {@code index} of an array. */
    record Index(long index) implements MemberPath {
    }

    static List<MemberPath> parse(String path) {
        var steps = new ArrayList<MemberPath>();
        int i = 0, n = path.length();
        if (n == 0) throw bad(path, 0, "empty member path");
        while (i < n) {
            char c = path.charAt(i);
            if (c == '[') {
                int close = path.indexOf(']', i);
                if (close < 0) throw bad(path, i, "'[' without ']'");
                long index;
                try {
                    index = Long.decode(path.substring(i + 1, close).strip());
                } catch (NumberFormatException e) {
                    throw bad(path, i, "array index is not a number");
                }
                steps.add(new Index(index));
                i = close + 1;
            } else if (c == '.' && !steps.isEmpty() && i + 1 < n) {
                i++;
            } else if (Character.isJavaIdentifierStart(c)) {
                int start = i;
                while (i < n && Character.isJavaIdentifierPart(path.charAt(i))) i++;
                steps.add(new Name(path.substring(start, i)));
                if (i < n && path.charAt(i) != '.' && path.charAt(i) != '[') throw bad(path, i, "unexpected '" + path.charAt(i) + "'");
            } else {
                throw bad(path, i, "unexpected '" + c + "'");
            }
        }
        return steps;
    }

    private static TypeMismatchException bad(String path, int at, String what) {
        return new TypeMismatchException("member path '" + path + "' at position " + at + ": " + what);
    }
}
