package org.jkdump.crash.commands;

import java.util.List;
import org.jkdump.crash.Getopt;

/**
 * {@code bt [-a] [-f] [-r] [PID | TASK ...]}: every CPU's active task ({@code -a}), each
 * frame's stack words ({@code -f}), the raw stack ({@code -r}); without targets, the
 * context task.
 */
public record BtOptions(boolean allCpus, boolean frameContents, boolean rawStack, List<String> targets) {
    public BtOptions {
        targets = List.copyOf(targets);
    }

    public static BtOptions parse(List<String> args) {
        var g = Getopt.parse("bt", args, "afr");
        return new BtOptions(g.flags().containsKey('a'), g.flags().containsKey('f'), g.flags().containsKey('r'), g.operands());
    }
}
