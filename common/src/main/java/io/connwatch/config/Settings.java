package io.connwatch.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a receiver's settings, collecting problems (each naming its key) instead of stopping at
 * the first. Secrets come from the value (filled from the environment by {@code ${VAR}}) or from
 * {@code <key>-file}; neither ever appears in a problem.
 */
public final class Settings {
    private final JsonNode node;
    private final String where;
    private final List<String> problems;

    public Settings(JsonNode node, String where, List<String> problems) {
        this.node = node;
        this.where = where;
        this.problems = problems;
    }

    public String where() {
        return where;
    }

    public void problem(String key, String message) {
        problems.add(where + (key == null ? "" : "." + key) + ": " + message);
    }

    /** Flags keys outside {@code allowed}. */
    public void only(Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                problem(k, "unknown setting (expected one of " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    public Settings child(String key) {
        JsonNode n = node.get(key);
        if (n != null && !n.isObject()) {
            problem(key, "expected a section of settings");
        }
        return new Settings(n == null || !n.isObject() ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : n,
            where + "." + key, problems);
    }

    private JsonNode value(String key) {
        JsonNode n = node.get(key);
        return n == null || n.isNull() ? null : n;
    }

    public boolean has(String key) {
        return value(key) != null;
    }

    public String string(String key, String def) {
        JsonNode n = value(key);
        return n == null || n.asText().isBlank() ? def : n.asText();
    }

    public String required(String key) {
        String v = string(key, null);
        if (v == null) {
            problem(key, "missing");
        }
        return v;
    }

    /** A secret: the value of {@code key}, or the first line of the file named by {@code key-file}. */
    public String secret(String key, boolean required) {
        String v = string(key, null);
        String file = string(key + "-file", null);
        if (v != null && file != null) {
            problem(key, "give " + key + " or " + key + "-file, not both");
            return null;
        }
        if (file != null) {
            try {
                return Files.readString(Path.of(file)).strip();
            } catch (IOException e) {
                problem(key + "-file", "cannot read " + file + ": " + e.getClass().getSimpleName());
                return null;
            }
        }
        if (v == null && required) {
            problem(key, "missing (or " + key + "-file)");
        }
        return v;
    }

    public int integer(String key, int def, int min, int max) {
        JsonNode n = value(key);
        if (n == null) {
            return def;
        }
        if (!n.canConvertToInt() || n.asInt() < min || n.asInt() > max) {
            problem(key, "expected a whole number in " + min + ".." + max);
            return def;
        }
        return n.asInt();
    }

    public boolean bool(String key, boolean def) {
        JsonNode n = value(key);
        if (n == null) {
            return def;
        }
        if (!n.isBoolean()) {
            problem(key, "expected true or false");
            return def;
        }
        return n.asBoolean();
    }

    public Duration duration(String key, Duration def) {
        String t = string(key, null);
        if (t == null) {
            return def;
        }
        try {
            return parseDuration(t);
        } catch (IllegalArgumentException e) {
            problem(key, e.getMessage());
            return def;
        }
    }

    public List<String> strings(String key) {
        JsonNode n = value(key);
        List<String> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (n.isArray()) {
            n.forEach(x -> out.add(x.asText()));
        } else {
            for (String s : n.asText().split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        }
        return out;
    }

    public Map<String, String> map(String key) {
        JsonNode n = value(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (n == null) {
            return out;
        }
        if (!n.isObject()) {
            problem(key, "expected key: value pairs");
            return out;
        }
        n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    /** Durations as {@code 250ms}, {@code 90s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601. */
    public static Duration parseDuration(String text) {
        return Durations.parse(text);
    }
}
