package org.jkdump.kernel.helpers;

import org.jkdump.kernel.Kernel;

/**
 * The kernel's uname: {@code init_uts_ns.name} ({@code struct new_utsname}, six char[65]
 * fields, include/uapi/linux/utsname.h).
 */
public record Uts(String sysname, String nodename, String release, String version, String machine, String domainname) {
    public static Uts read(Kernel k) {
        var name = Access.global(k, "struct uts_namespace", "init_uts_ns").member("name");
        return new Uts(name.member("sysname").asString(), name.member("nodename").asString(),
                name.member("release").asString(), name.member("version").asString(),
                name.member("machine").asString(), name.member("domainname").asString());
    }
}
