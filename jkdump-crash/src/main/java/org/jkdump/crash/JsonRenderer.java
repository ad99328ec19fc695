package org.jkdump.crash;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.PrintWriter;

/**
 * Renders a command's result record as JSON (Jackson, records serialised component by
 * component, Optionals unwrapped), one indented document per command.
 */
public final class JsonRenderer {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new Jdk8Module())
            .enable(SerializationFeature.INDENT_OUTPUT);

    private JsonRenderer() {
    }

    public static void render(Object result, PrintWriter out) {
        out.println(toJson(result));
    }

    public static String toJson(Object result) {
        try {
            return MAPPER.writeValueAsString(result);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + result.getClass().getSimpleName() + " as JSON", e);
        }
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
