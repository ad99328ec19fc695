package org.jkdump.crash;

/**
 * The shell's settings that {@code set} changes: output radix for {@code p}/{@code struct}
 * (crash's default is 10), JSON output instead of crash's text, and whether long output
 * goes through a pager (crash's {@code scroll}).
 */
public record Settings(int radix, boolean json, boolean scroll) {
    public static Settings defaults() {
        return new Settings(10, false, true);
    }

    public Settings withRadix(int r) {
        return new Settings(r, json, scroll);
    }

    public Settings withJson(boolean j) {
        return new Settings(radix, j, scroll);
    }

    public Settings withScroll(boolean s) {
        return new Settings(radix, json, s);
    }
}
