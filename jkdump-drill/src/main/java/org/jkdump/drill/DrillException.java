package org.jkdump.drill;

import java.util.List;
import org.jkdump.format.JkdumpException;

/** A drill phase failed: which phase, why, and the last console or command lines that show it. */
public final class DrillException extends JkdumpException {
    public DrillException(String phase, String why, List<String> lastLines) {
        super("drill phase '" + phase + "' failed: " + why
                + (lastLines.isEmpty() ? "" : "\n--- last lines ---\n" + String.join("\n", lastLines)));
    }
}
