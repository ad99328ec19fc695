package org.jkdump.crash;

import java.io.PrintWriter;
import java.util.List;

/**
 * One crash command. It parses its arguments (crash's flags) into an options record,
 * runs against a {@link Session} to build a result record, and renders that record in
 * crash's text layout; JSON comes from the same record ({@link JsonRenderer}). Commands
 * call kernel helpers and never read raw memory themselves.
 *
 * @param <O> the options record
 * @param <R> the result record
 */
public interface CrashCommand<O, R> {
    CommandSpec spec();

    /** Parses the words after the command name; throws {@link UsageException} on bad flags. */
    O parse(List<String> args);

    R run(Session session, O options);

    /** Writes the result as crash prints it. */
    void renderText(R result, PrintWriter out);
}
