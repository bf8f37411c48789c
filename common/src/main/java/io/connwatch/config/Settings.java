package io.connwatch.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The one reader of every configuration section: the same rules for each type everywhere, and
 * every problem collected as {@code <dotted.path>: <message>} instead of stopping at the first.
 *
 * <ul>
 *   <li>booleans: {@code true/false}, {@code yes/no}, {@code on/off} (and YAML 1.1's {@code y/n}), in any case, quoted or not;</li>
 *   <li>whole numbers within a range and decimal numbers, also quoted ({@code "5"});</li>
 *   <li>durations as {@link Durations#parse} reads them; globs as {@link Glob#compile} reads them;</li>
 *   <li>lists (also as one comma-separated value), maps, nested sections and lists of sections;</li>
 *   <li>secrets from the value (filled from the environment by {@code ${VAR}}) or from {@code <key>-file}.</li>
 * </ul>
 *
 * A key that is absent, null or blank takes its default. No secret ever appears in a problem.
 */
public final class Settings {
    private final JsonNode node;
    private final String where;
    private final List<String> problems;
    private final Path base;
    private final Map<String, Read> reads;

    /**
     * One setting as the code reads it, for the generated configuration reference.
     *
     * @param kind what it takes ("duration > 0", "integer 1..65535", "one of a, b", ...)
     * @param def  its default (null: none)
     */
    public record Read(String kind, Object def) {
    }

    /**
     * @param node     the section (an object node; anything else reads as empty)
     * @param where    its dotted path, used in problems ({@code ""} for the root)
     * @param problems where problems are added
     */
    public Settings(JsonNode node, String where, List<String> problems) {
        this(node, where, problems, Path.of(""));
    }

    /**
     * @param base the directory relative file names resolve against ({@link #file}, {@code <key>-file} secrets)
     */
    public Settings(JsonNode node, String where, List<String> problems, Path base) {
        this(node, where, problems, base, null);
    }

    private Settings(JsonNode node, String where, List<String> problems, Path base, Map<String, Read> reads) {
        this.node = node == null || !node.isObject() ? JsonNodeFactory.instance.objectNode() : node;
        this.where = where;
        this.problems = problems;
        this.base = base;
        this.reads = reads;
    }

    /**
     * The root of a configuration whose every setting read is noted in {@code reads} (by dotted
     * path, list entries as written: {@code notify.receivers[ops].url}), the first way it is read
     * winning: what the configuration reference is generated from.
     */
    public static Settings recording(JsonNode node, List<String> problems, Path base, Map<String, Read> reads) {
        return new Settings(node, "", problems, base, reads);
    }

    /** The kind of a key {@link #only} accepts that nothing has read (yet). */
    public static final String ACCEPTED = "(accepted)";

    private void note(String key, String kind, Object def) {
        if (reads != null) {
            Read r = reads.get(path(key));
            if (r == null || r.kind().equals(ACCEPTED)) {
                reads.put(path(key), new Read(kind, def));
            }
        }
    }

    /** The root of a configuration file whose relative file names are relative to the working directory. */
    public static Settings root(JsonNode node, List<String> problems) {
        return new Settings(node, "", problems);
    }

    /** The root of a configuration file whose relative file names resolve against {@code base}. */
    public static Settings root(JsonNode node, List<String> problems, Path base) {
        return new Settings(node, "", problems, base);
    }

    /** The directory relative file names resolve against ({@code ""}: the working directory). */
    public Path base() {
        return base;
    }

    /** Resolves a file name from the configuration against {@link #base()}; absolute names stay as they are. */
    public Path resolve(String file) {
        return base.resolve(file);
    }

    /**
     * A file or directory name, resolved against {@link #base()}; {@code def} when absent (resolved
     * too; null stays null). An explicit empty string reads as absent.
     */
    public Path file(String key, String def) {
        note(key, "path", def);
        String v = string(key, def);
        return v == null ? null : resolve(v);
    }

    /** The dotted path of this section. */
    public String where() {
        return where;
    }

    /** The dotted path of one of its keys. */
    public String path(String key) {
        return key == null ? where : where.isEmpty() ? key : where + "." + key;
    }

    /** The same section reported under another path (a list entry once its name is known). */
    public Settings at(String newWhere) {
        return new Settings(node, newWhere, problems, base, reads);
    }

    /** How many problems the whole configuration has so far (to tell whether reading a part added any). */
    public int problemCount() {
        return problems.size();
    }

    /** Adds a problem about the section itself. */
    public void problem(String message) {
        problems.add(where + ": " + message);
    }

    /** Adds a problem about one key ({@code null}: about the section). */
    public void problem(String key, String message) {
        problems.add(path(key) + ": " + message);
    }

    /** Flags keys outside {@code allowed}. */
    public void only(Set<String> allowed) {
        if (reads != null) {
            allowed.stream().sorted().forEach(k -> reads.putIfAbsent(path(k), new Read(ACCEPTED, null)));
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                problem(k, "unknown setting (expected one of " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    /** A nested section; empty when absent, and empty with a problem when not a section. */
    public Settings child(String key) {
        note(key, "section", null);
        JsonNode n = value(key);
        if (n != null && !n.isObject()) {
            problem(key, "expected a section of settings");
        }
        return new Settings(n, path(key), problems, base, reads);
    }

    /** A nested section whose keys must be among {@code allowed}. */
    public Settings section(String key, Set<String> allowed) {
        Settings s = child(key);
        s.only(allowed);
        return s;
    }

    /** A nested section when given: empty when absent or null, and empty with a problem when not a section. */
    public Optional<Settings> optionalChild(String key) {
        note(key, "section", null);
        JsonNode n = value(key);
        if (n == null) {
            return Optional.empty();
        }
        if (!n.isObject()) {
            problem(key, "expected a section of settings");
            return Optional.empty();
        }
        return Optional.of(new Settings(n, path(key), problems, base, reads));
    }

    /** A list of sections, each reported as {@code key[i]}; entries that are not sections are problems. */
    public List<Settings> list(String key) {
        return list(key, null);
    }

    /**
     * A list of sections, each reported as {@code key[i]}; an entry that is a single value stands
     * for a section with only {@code shorthand} set to it (e.g. a topic given by name alone).
     */
    public List<Settings> list(String key, String shorthand) {
        note(key, shorthand == null ? "list of sections" : "list of sections (or of " + shorthand + " values)", null);
        JsonNode n = value(key);
        List<Settings> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!n.isArray()) {
            problem(key, "expected a list");
            return out;
        }
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            String at = path(key) + "[" + i + "]";
            if (e.isObject()) {
                out.add(new Settings(e, at, problems, base, reads));
            } else if (shorthand != null && e.isValueNode() && !e.isNull()) {
                ObjectNode o = JsonNodeFactory.instance.objectNode();
                o.set(shorthand, e);
                out.add(new Settings(o, at, problems, base, reads));
            } else {
                problems.add(at + ": expected a section of settings");
            }
        }
        return out;
    }

    /** True when the key has a (non-null) value. */
    public boolean has(String key) {
        return value(key) != null;
    }

    /** A text value; {@code def} when absent or blank. */
    public String string(String key, String def) {
        note(key, "text", def);
        String t = scalar(key);
        return t == null || t.isBlank() ? def : t;
    }

    /** A text value that must be given. */
    public String required(String key) {
        note(key, "text, required", null);
        String v = string(key, null);
        if (v == null && !isContainer(key)) {
            problem(key, "missing");
        }
        return v;
    }

    /** A secret: the value of {@code key}, or the content (stripped) of the file named by {@code key-file}. */
    public String secret(String key, boolean required) {
        note(key, required ? "secret, required (or " + key + "-file)" : "secret (or " + key + "-file)", null);
        note(key + "-file", "path of a file holding " + key, null);
        String v = string(key, null);
        String file = string(key + "-file", null);
        if (v != null && file != null) {
            problem(key, "give " + key + " or " + key + "-file, not both");
            return null;
        }
        if (file != null) {
            try {
                return Files.readString(resolve(file)).strip();
            } catch (IOException e) {
                problem(key + "-file", "cannot read " + file + ": " + e.getClass().getSimpleName());
                return null;
            }
        }
        if (v == null && required && !isContainer(key)) {
            problem(key, "missing (or " + key + "-file)");
        }
        return v;
    }

    /** A boolean: true, yes or on; false, no or off (any case, quoted or not). */
    public boolean bool(String key, boolean def) {
        note(key, "boolean", def);
        String t = string(key, null);
        if (t == null) {
            return def;
        }
        Boolean b = parseBoolean(t);
        if (b == null) {
            problem(key, "expected true or false, got '" + t + "'");
            return def;
        }
        return b;
    }

    /** A whole number in {@code min..max}, also when quoted. */
    public int integer(String key, int def, int min, int max) {
        note(key, range("integer", min, max, Integer.MAX_VALUE), def);
        return (int) whole(key, def, min, max, Integer.MAX_VALUE);
    }

    /** A whole number in {@code min..max}, also when quoted. */
    public long longValue(String key, long def, long min, long max) {
        note(key, range("integer", min, max, Long.MAX_VALUE), def);
        return whole(key, def, min, max, Long.MAX_VALUE);
    }

    /** A decimal number, also when quoted (its range is the caller's to check). */
    public double decimal(String key, double def) {
        note(key, "number", def);
        String t = string(key, null);
        if (t == null) {
            return def;
        }
        double v;
        try {
            v = Double.parseDouble(t.trim());
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!Double.isFinite(v)) {
            problem(key, "expected a number, got '" + t + "'");
            return def;
        }
        return v;
    }

    /** A duration as {@link Durations#parse} reads it ({@code 250ms}, {@code 90s}, {@code 5m}, {@code 2h}, {@code 1d}, ISO-8601). */
    public Duration duration(String key, Duration def) {
        note(key, "duration", def);
        return value(key, def, Durations::parse);
    }

    /** A duration that must be longer than zero. */
    public Duration positiveDuration(String key, Duration def) {
        note(key, "duration > 0", def);
        Duration d = duration(key, null);
        if (d == null) {
            return def;
        }
        if (d.isNegative() || d.isZero()) {
            problem(key, "must be positive");
            return def;
        }
        return d;
    }

    /** One of a few words (any case); the answer is spelled as in {@code allowed}. */
    public String choice(String key, String def, List<String> allowed) {
        note(key, "one of " + String.join(", ", allowed), def);
        String t = string(key, null);
        if (t == null) {
            return def;
        }
        for (String a : allowed) {
            if (a.equalsIgnoreCase(t.trim())) {
                return a;
            }
        }
        problem(key, "expected " + words(allowed) + ", got '" + t + "'");
        return def;
    }

    /** A value read by {@code parser}, whose {@link IllegalArgumentException} message becomes the problem. */
    public <T> T value(String key, T def, Function<String, T> parser) {
        note(key, "text", def);
        String t = string(key, null);
        if (t == null) {
            return def;
        }
        try {
            return parser.apply(t);
        } catch (IllegalArgumentException e) {
            problem(key, e.getMessage());
            return def;
        }
    }

    /** A glob ({@link Glob}) as a pattern, or null when absent. */
    public Pattern glob(String key) {
        note(key, "glob", null);
        String t = string(key, null);
        return t == null ? null : Glob.compile(t);
    }

    /** A list of globs ({@link Glob}) as patterns. */
    public List<Pattern> globs(String key) {
        note(key, "list of globs", null);
        return strings(key).stream().map(Glob::compile).toList();
    }

    /** A list of text values, written as a list or as one comma-separated value. */
    public List<String> strings(String key) {
        note(key, "list of text", null);
        JsonNode n = value(key);
        List<String> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                if (n.get(i).isValueNode()) {
                    out.add(n.get(i).asText());
                } else {
                    problems.add(path(key) + "[" + i + "]: expected a single value");
                }
            }
        } else if (n.isValueNode()) {
            for (String s : n.asText().split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        } else {
            problem(key, "expected a list");
        }
        return out;
    }

    /** Text values by name ({@code key: value} pairs), in the order written. */
    public Map<String, String> map(String key) {
        note(key, "map of text", null);
        JsonNode n = value(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (n == null) {
            return out;
        }
        if (!n.isObject()) {
            problem(key, "expected key: value pairs");
            return out;
        }
        n.fields().forEachRemaining(e -> {
            if (e.getValue().isValueNode()) {
                out.put(e.getKey(), e.getValue().asText());
            } else {
                problems.add(path(key) + "." + e.getKey() + ": expected a single value");
            }
        });
        return out;
    }

    /**
     * The boolean a word means (true, yes, on; false, no, off; any case), or null for any other
     * text. YAML 1.1's {@code y} and {@code n} count too, as they did when the YAML parser read them.
     */
    public static Boolean parseBoolean(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "y" -> Boolean.TRUE;
            case "false", "no", "off", "n" -> Boolean.FALSE;
            default -> null;
        };
    }

    private static String range(String type, long min, long max, long typeMax) {
        return max >= typeMax ? type + " >= " + min : type + " " + min + ".." + max;
    }

    private JsonNode value(String key) {
        JsonNode n = node.get(key);
        return n == null || n.isNull() ? null : n;
    }

    private boolean isContainer(String key) {
        JsonNode n = value(key);
        return n != null && n.isContainerNode();
    }

    /** The text of a single value; null (with a problem) for a list or section. */
    private String scalar(String key) {
        JsonNode n = value(key);
        if (n == null) {
            return null;
        }
        if (!n.isValueNode()) {
            problem(key, "expected a single value");
            return null;
        }
        return n.asText();
    }

    private long whole(String key, long def, long min, long max, long typeMax) {
        String t = string(key, null);
        if (t == null) {
            return def;
        }
        JsonNode n = value(key);
        long v;
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            v = n.asLong();
        } else {
            try {
                v = Long.parseLong(t.trim());
            } catch (NumberFormatException e) {
                problem(key, "expected a whole number, got '" + t + "'");
                return def;
            }
        }
        if (v < min || v > max) {
            problem(key, max < typeMax ? v + " is outside " + min + ".." + max
                : v < min ? v + " is below the minimum " + min : v + " is above the maximum " + max);
            return def;
        }
        return v;
    }

    private static String words(List<String> allowed) {
        if (allowed.size() == 1) {
            return allowed.get(0);
        }
        return String.join(", ", allowed.subList(0, allowed.size() - 1)) + " or " + allowed.get(allowed.size() - 1);
    }
}
