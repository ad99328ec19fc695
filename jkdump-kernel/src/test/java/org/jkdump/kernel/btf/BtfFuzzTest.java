package org.jkdump.kernel.btf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.jkdump.kernel.TypeMismatchException;
import org.jkdump.kernel.Types;
import org.jkdump.kernel.UnknownTypeException;

/**
 * Hostile BTF through the whole type API: parsing either rejects the blob with a
 * {@link MalformedBtfException} or yields types whose every name, size and member lookup
 * completes, with an answer or one of the type API's own exceptions (a size-less type, a
 * member name that is no C identifier); anything else is a bug. Blobs are tried as base
 * BTF and as split BTF over a small base. The seed corpus
 * (BtfFuzzTestInputs/parsesOrRejectsCleanly: a subset of the fixture kernel's real BTF, one
 * type of every kind, past findings) runs in every build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class BtfFuzzTest {
    private static final Btf BASE = new BtfParserTest.AllKinds().btf;

    @FuzzTest
    void parsesOrRejectsCleanly(byte[] data) {
        exercise(() -> Btf.parse("fuzz", data));
        exercise(() -> Btf.parseSplit("fuzz", data, BASE));
    }

    private static void exercise(java.util.function.Supplier<Btf> parse) {
        Btf btf;
        try {
            btf = parse.get();
        } catch (MalformedBtfException e) {
            return;
        }
        var types = new Types(btf);
        for (int id = btf.firstId(); id < btf.typeCount(); id++) {
            var t = btf.type(id);
            types.name(t);
            try {
                types.sizeof(t);
            } catch (TypeMismatchException e) {
                // void, functions and forward declarations have no size; overflowing arrays are reported
            }
            if (types.resolve(t) instanceof BtfType.Composite c)
                for (var m : c.members()) {
                    try {
                        if (!m.name().isEmpty()) types.findMember(t, m.name());
                    } catch (TypeMismatchException | UnknownTypeException e) {
                        // a name that is no member path ("a.b", "`x"), or a bitfield path continued
                    }
                }
            if (t instanceof BtfType.Enum e) e.values().forEach(v -> types.enumeratorName(t, v.value()));
        }
    }
}
