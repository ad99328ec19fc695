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
            var named = named(session, w);
            if (named.isEmpty()) throw new CommandException("invalid task or pid value: " + w);
            out.addAll(named);
        }
        return out;
    }

    /**
     * The tasks one operand names, as crash's str_to_context() reads it: a decimal number is a
     * pid (every task with it), else a hexadecimal task_struct address; empty when it names none.
     */
    static List<Tasks.Task> named(Session session, String word) {
        // a pid has at most 7 digits (PID_MAX_LIMIT 4194304); longer digit strings are addresses
        if (!word.isEmpty() && word.length() <= 9 && word.chars().allMatch(Character::isDigit)) {
            int pid = Integer.parseInt(word);
            return session.tasks().stream().filter(t -> t.pid() == pid).toList();
        }
        if (!word.matches("(0x)?[0-9a-fA-F]{1,16}")) return List.of();
        long a = Long.parseUnsignedLong(word.replaceFirst("^0x", ""), 16);
        return session.tasks().stream().filter(t -> t.address() == a).limit(1).toList();
    }
}
