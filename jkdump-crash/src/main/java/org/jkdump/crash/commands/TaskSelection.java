package org.jkdump.crash.commands;

import java.util.List;
import org.jkdump.crash.Session;
import org.jkdump.kernel.helpers.Tasks;

/** The tasks a per-task command ({@code files}, {@code vm}, {@code task}) works on: those named, else the context task. */
final class TaskSelection {
    private TaskSelection() {
    }

    static List<Tasks.Task> of(Session session, List<String> operands) {
        if (operands.isEmpty()) return session.tasks().stream().filter(t -> t.address() == session.context()).toList();
        return operands.stream().map(w -> TaskCommand.find(session, w)).toList();
    }
}
