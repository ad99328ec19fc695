package org.jkdump.format;

/**
 * {@code struct new_utsname} (include/uapi/linux/utsname.h): six NUL-padded 65-byte fields, as
 * the kernel's {@code init_uts_ns} holds them and the kdump header copies them.
 */
public record Utsname(String sysname, String nodename, String release, String version, String machine,
                      String domainname) {
    /** Bytes per field, including the terminating NUL. */
    public static final int FIELD = 65;
    /** Size of the whole structure. */
    public static final int SIZE = 6 * FIELD;

    /** A Linux x86-64 utsname with only the release and version known (synthetic dumps, tests). */
    public static Utsname linux(String release, String version) {
        return new Utsname("Linux", "(none)", release, version, "x86_64", "(none)");
    }

    static Utsname read(DumpSource in, long offset) {
        return new Utsname(in.ascii(offset, FIELD), in.ascii(offset + FIELD, FIELD), in.ascii(offset + 2 * FIELD, FIELD),
                in.ascii(offset + 3 * FIELD, FIELD), in.ascii(offset + 4 * FIELD, FIELD), in.ascii(offset + 5 * FIELD, FIELD));
    }

    /** The 390-byte on-disk form; fields longer than 64 bytes are cut. */
    public byte[] encode() {
        var b = new byte[SIZE];
        String[] f = {sysname, nodename, release, version, machine, domainname};
        for (int i = 0; i < f.length; i++) {
            var s = f[i].getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            System.arraycopy(s, 0, b, i * FIELD, Math.min(s.length, FIELD - 1));
        }
        return b;
    }
}
