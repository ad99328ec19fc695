package org.jkdump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.jkdump.format.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code jkdump info} on the real dumps agrees with crash's {@code sys} section. */
class InfoCommandTest {
    /** crash.txt's sys section as KEY -> value. */
    private static Map<String, String> crashSys(String fixture) {
        var text = Fixtures.text(fixture, "crash.txt");
        var section = text.substring(text.indexOf("### CMD: sys\n") + 13);
        section = section.substring(0, section.indexOf("### CMD:"));
        var fields = new LinkedHashMap<String, String>();
        var m = Pattern.compile("(?m)^ *([A-Z ]+): (.*)$").matcher(section);
        while (m.find()) fields.put(m.group(1).strip(), m.group(2).strip());
        return fields;
    }

    private static JsonNode info(Path dump) throws Exception {
        var out = new StringWriter();
        var err = new StringWriter();
        int rc = Main.run(new String[]{"info", "--json", dump.toString()}, new PrintWriter(out), new PrintWriter(err));
        assertThat(rc).as("exit status; stderr: %s", err).isZero();
        return Json.mapper().readTree(out.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmcore.kdump-zlib", "vmcore.kdump-lzo", "vmcore.flat", "vmcore.elf"})
    void agreesWithCrashSysOnEverySysrqFormat(String name) throws Exception {
        var dump = name.equals("vmcore.elf") ? Fixtures.sysrqElf() : Fixtures.sysrq(name);
        var sys = crashSys("kdump-sysrq");
        var info = info(dump);
        assertThat(info.get("release").asText()).isEqualTo(sys.get("RELEASE"));
        assertThat(info.get("cpus").size()).isEqualTo(Integer.parseInt(sys.get("CPUS")));
        assertThat(info.get("crashDate").asText()).isEqualTo(sys.get("DATE"));
        assertThat(info.get("memorySize").asText()).isEqualTo(sys.get("MEMORY"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmcore.kdump-lzo"})
    void agreesWithCrashSysOnTheOopsDump(String name) throws Exception {
        var sys = crashSys("kdump-oops-module");
        var info = info(Fixtures.oops(name));
        assertThat(info.get("release").asText()).isEqualTo(sys.get("RELEASE"));
        assertThat(info.get("cpus").size()).isEqualTo(Integer.parseInt(sys.get("CPUS")));
        assertThat(info.get("crashDate").asText()).isEqualTo(sys.get("DATE"));
        assertThat(info.get("memorySize").asText()).isEqualTo(sys.get("MEMORY"));
    }
}
