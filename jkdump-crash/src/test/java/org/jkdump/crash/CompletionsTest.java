package org.jkdump.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import org.jkdump.format.DumpFiles;
import org.jkdump.format.Fixtures;
import org.jline.reader.Candidate;
import org.jline.reader.impl.DefaultParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shell's tab completion on kdump-sysrq: command names, struct names and members from BTF, symbols from kallsyms and modules. */
class CompletionsTest {
    static Session session;
    static Completions completions;

    @BeforeAll
    static void open() {
        session = new Session(DumpFiles.open(Fixtures.sysrq("vmcore.kdump-zlib")));
        completions = new Completions(session);
    }

    @AfterAll
    static void close() {
        session.close();
    }

    /** What the JLine completer offers for {@code line} with the cursor at its end. */
    static java.util.List<String> complete(String line) {
        var parsed = new DefaultParser().parse(line, line.length());
        var out = new ArrayList<Candidate>();
        Shell.completer(Commands.registry(), completions::candidates).complete(null, parsed, out);
        return out.stream().map(Candidate::value).toList();
    }

    @Test
    void commandNamesCompleteFirst() {
        assertThat(complete("fo")).contains("foreach");
        assertThat(complete("s")).contains("struct", "sym", "search", "set", "sys");
    }

    @Test
    void structNamesComeFromTheDumpsBtf() {
        assertThat(complete("struct task_s")).contains("task_struct").allMatch(n -> n.startsWith("task_s"));
        assertThat(complete("union rcu_sp")).contains("rcu_special");
        assertThat(complete("whatis list_h")).contains("list_head");
    }

    @Test
    void membersCompleteAfterTheStructName() {
        assertThat(complete("struct task_struct.co")).contains("task_struct.comm");
        // members of anonymous structs and unions are members too, as C sees them
        assertThat(complete("struct task_struct.rcu_us")).containsExactly("task_struct.rcu_users");
        assertThat(complete("struct task_struct.se.lo")).containsExactly("task_struct.se.load");
    }

    @Test
    void symbolsCompleteForOtherCommandsModulesIncluded() {
        assertThat(complete("sym init_uts")).contains("init_uts_ns");
        assertThat(complete("rd -32 jiff")).contains("jiffies", "jiffies_64");
        assertThat(complete("sym ext4_fill_su")).contains("ext4_fill_super");
        assertThat(complete("p nosuchsymbolprefix")).isEmpty();
    }
}
