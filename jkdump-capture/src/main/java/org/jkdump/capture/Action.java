package org.jkdump.capture;

/**
 * What the capture kernel does after the capture: {@code final_action} when it succeeded,
 * {@code failure_action} when it did not (kdump-utils' names). {@link #SHELL} leaves a
 * busybox shell on the console for a person to look around; it is only a failure action.
 */
public enum Action {
    REBOOT("reboot -f"), HALT("halt -f"), POWEROFF("poweroff -f"), SHELL("exec sh");

    private final String command;

    Action(String command) {
        this.command = command;
    }

    /** The busybox command the capture /init runs for this action. */
    public String command() {
        return command;
    }

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
