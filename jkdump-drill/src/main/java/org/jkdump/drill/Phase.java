package org.jkdump.drill;

/** One timed phase of the drill: its name, its duration and what marked its end. */
public record Phase(String name, double seconds, String endedBy) {
}
