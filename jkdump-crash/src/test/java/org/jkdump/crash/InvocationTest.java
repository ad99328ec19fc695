package org.jkdump.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class InvocationTest {
    @Test
    void splitsCommandsAtUnquotedSemicolons() {
        assertThat(Invocation.splitCommands("sys; ps -p ;log \"a;b\"")).containsExactly("sys", "ps -p", "log \"a;b\"");
    }

    @Test
    void keepsQuotedWordsAndSeparatesPipeAndRedirect() {
        var i = Invocation.parse("search -c \"JKDUMP MARKER\" | grep ffff");
        assertThat(i.words()).containsExactly("search", "-c", "JKDUMP MARKER");
        assertThat(i.pipe()).contains("grep ffff");
        var r = Invocation.parse("log >> /tmp/x");
        assertThat(r.words()).containsExactly("log");
        assertThat(r.redirect()).contains("/tmp/x");
        assertThat(r.append()).isTrue();
    }

    @Test
    void rejectsUnbalancedQuote() {
        assertThatThrownBy(() -> Invocation.parse("sym \"abc")).hasMessage("unbalanced quote \"");
    }

    @Test
    void getoptClustersFlagsTakesValuesAndKeepsNegativeNumbersAsOperands() {
        var g = Getopt.parse("rd", List.of("-xs", "ffff", "-o8", "-e", "x", "-5"), "xso:e:");
        assertThat(g.has('x')).isTrue();
        assertThat(g.has('s')).isTrue();
        assertThat(g.value('o')).contains("8");
        assertThat(g.value('e')).contains("x");
        assertThat(g.operands()).containsExactly("ffff", "-5");
        assertThatThrownBy(() -> Getopt.parse("rd", List.of("-z"), "x")).hasMessage("invalid option -- 'z'");
        assertThatThrownBy(() -> Getopt.parse("rd", List.of("-e"), "e:")).hasMessage("option requires an argument -- 'e'");
    }
}
