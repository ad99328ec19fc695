package org.jkdump.crash.commands;

import java.util.ArrayList;
import java.util.List;
import org.jkdump.crash.CommandException;
import org.jkdump.crash.Session;
import org.jkdump.kernel.helpers.Tasks;

/**
 * The tasks a per-task command ({@code files}, {@code vm}, {@code task}) works on: those
 * named, else the context task. A pid names every task that has it, as in crash: pid 0 is
 * each CPU's idle task.
 */
final class TaskSelection {
    private TaskSelection() {
    }

    static List<Tasks.Task> of(Session session, List<String> operands) {
        if (operands.isEmpty()) return session.tasks().stream().filter(t -> t.address() == session.context()).toList();
        var out = new ArrayList<Tasks.Task>();
        for (var w : operands) {
            if (w.chars().allMatch(Character::isDigit)) {
                int pid = Integer.parseInt(w);
                var same = session.tasks().stream().filter(t -> t.pid() == pid).toList();
                if (same.isEmpty()) throw new CommandException("invalid task or pid value: " + w);
                out.addAll(same);
            } else {
                out.add(TaskCommand.find(session, w));
            }
        }
        return out;
    }
}
