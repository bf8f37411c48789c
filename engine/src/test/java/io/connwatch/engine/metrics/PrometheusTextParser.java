package io.connwatch.engine.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, written for the tests because no
 * Java library on Maven Central parses it (the client libraries only write it). It follows the
 * format's grammar line by line and refuses, with the line number, anything a Prometheus server
 * would refuse or that the format forbids:
 * <ul>
 *   <li>{@code # HELP name text} (text escapes {@code \\} and {@code \n} only) and {@code # TYPE name type} with a type of
 *       counter, gauge, histogram, summary or untyped; at most one of each per metric, TYPE before the metric's samples;</li>
 *   <li>samples {@code name{label="value",...} value [timestamp]}: metric names {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, label names
 *       {@code [a-zA-Z_][a-zA-Z0-9_]*} not starting with {@code __}, label values with the escapes {@code \\ \" \n} only, no label
 *       twice, values as Go's ParseFloat reads them (with NaN, +Inf, -Inf), an optional integer timestamp;</li>
 *   <li>a metric's samples together in one group, a histogram's or summary's samples with the suffixes of its type, no series
 *       (name and labels) twice, histogram buckets cumulative with a {@code +Inf} bucket equal to {@code _count};</li>
 *   <li>lines end with {@code \n}, the last one too.</li>
 * </ul>
 */
final class PrometheusTextParser {
    /** One sample: its series name (with any suffix), its labels, its value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    /** One metric family: its name, type, help and samples. */
    record Family(String name, String type, String help, List<Sample> samples) {
    }

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern FLOAT = Pattern.compile("[+-]?(?:Inf|NaN|(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    private final Map<String, Family> families = new LinkedHashMap<>();
    private final Set<String> closed = new HashSet<>();
    private final Set<String> series = new HashSet<>();
    private final Map<String, String> types = new LinkedHashMap<>();
    private final Map<String, String> helps = new LinkedHashMap<>();
    private String current;
    private int line;

    private PrometheusTextParser() {
    }

    /** Parses a whole exposition; throws {@link IllegalArgumentException} naming the line at the first violation. */
    static Map<String, Family> parse(String text) {
        PrometheusTextParser p = new PrometheusTextParser();
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the last line does not end with \\n");
        }
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            p.line = i + 1;
            p.line(lines[i]);
        }
        p.families.values().forEach(p::checkHistogram);
        return p.families;
    }

    private IllegalArgumentException fail(String message) {
        return new IllegalArgumentException("line " + line + ": " + message);
    }

    private void line(String l) {
        if (l.isEmpty()) {
            return;
        }
        if (l.contains("\r")) {
            throw fail("carriage return");
        }
        if (l.startsWith("#")) {
            comment(l);
            return;
        }
        sample(l);
    }

    private void comment(String l) {
        String[] parts = l.split(" ", 4);
        if (parts.length < 3 || !parts[0].equals("#") || !(parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
            return; // any other comment is allowed
        }
        String name = parts[2];
        if (!METRIC_NAME.matcher(name).matches()) {
            throw fail("bad metric name in " + parts[1] + ": " + name);
        }
        if (parts[1].equals("TYPE")) {
            String type = parts.length == 4 ? parts[3] : "";
            if (!TYPES.contains(type)) {
                throw fail("unknown type '" + type + "'");
            }
            if (types.put(name, type) != null) {
                throw fail("a second TYPE for " + name);
            }
            if (families.containsKey(name) || series.stream().anyMatch(s -> s.startsWith(name + "{"))) {
                throw fail("TYPE for " + name + " after its samples");
            }
            open(name);
        } else {
            String help = parts.length == 4 ? unescapeHelp(parts[3]) : "";
            if (helps.put(name, help) != null) {
                throw fail("a second HELP for " + name);
            }
            open(name);
        }
    }

    private void open(String name) {
        if (!name.equals(current)) {
            if (closed.contains(name)) {
                throw fail(name + " appears in two places");
            }
            if (current != null) {
                closed.add(current);
            }
            current = name;
        }
    }

    private String unescapeHelp(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                if (i + 1 == s.length()) {
                    throw fail("a lone \\ at the end of HELP");
                }
                char n = s.charAt(++i);
                switch (n) {
                    case '\\' -> b.append('\\');
                    case 'n' -> b.append('\n');
                    default -> throw fail("unknown escape \\" + n + " in HELP");
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private void sample(String l) {
        int i = 0;
        while (i < l.length() && l.charAt(i) != '{' && l.charAt(i) != ' ') {
            i++;
        }
        String name = l.substring(0, i);
        if (!METRIC_NAME.matcher(name).matches()) {
            throw fail("bad metric name '" + name + "'");
        }
        Map<String, String> labels = new TreeMap<>();
        if (i < l.length() && l.charAt(i) == '{') {
            i = labels(l, i + 1, labels);
        }
        if (i >= l.length() || l.charAt(i) != ' ') {
            throw fail("no space before the value");
        }
        String[] rest = l.substring(i + 1).split(" ", -1);
        if (rest.length < 1 || rest.length > 2 || !FLOAT.matcher(rest[0]).matches()) {
            throw fail("bad value or timestamp: '" + l.substring(i + 1) + "'");
        }
        if (rest.length == 2 && !rest[1].matches("-?\\d+")) {
            throw fail("bad timestamp '" + rest[1] + "'");
        }
        double value = switch (rest[0].replace("+", "")) {
            case "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(rest[0]);
        };
        if (!series.add(name + labels)) {
            throw fail("the series " + name + labels + " twice");
        }
        String family = familyOf(name, labels);
        open(family);
        families.computeIfAbsent(family, f -> new Family(f, types.getOrDefault(f, "untyped"), helps.get(f), new ArrayList<>()))
            .samples().add(new Sample(name, labels, value));
    }

    /** The family a sample belongs to: its name, or its name without the suffix its typed family allows. */
    private String familyOf(String name, Map<String, String> labels) {
        String t = types.get(name);
        if (t != null) {
            if ((t.equals("histogram") || t.equals("summary")) && !labels.containsKey("quantile")) {
                throw fail(name + " is a " + t + ": its samples have suffixes");
            }
            return name;
        }
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                String bt = types.get(base);
                if ("histogram".equals(bt) || ("summary".equals(bt) && !suffix.equals("_bucket"))) {
                    if (suffix.equals("_bucket") && !labels.containsKey("le")) {
                        throw fail("a bucket without le: " + name);
                    }
                    return base;
                }
            }
        }
        return name;
    }

    private int labels(String l, int i, Map<String, String> into) {
        if (i < l.length() && l.charAt(i) == '}') {
            return i + 1;
        }
        while (true) {
            int eq = l.indexOf('=', i);
            if (eq < 0) {
                throw fail("a label without =");
            }
            String name = l.substring(i, eq);
            if (!LABEL_NAME.matcher(name).matches() || name.startsWith("__")) {
                throw fail("bad label name '" + name + "'");
            }
            if (eq + 1 >= l.length() || l.charAt(eq + 1) != '"') {
                throw fail("label value not quoted");
            }
            StringBuilder v = new StringBuilder();
            int j = eq + 2;
            while (true) {
                if (j >= l.length()) {
                    throw fail("unterminated label value");
                }
                char c = l.charAt(j);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    if (j + 1 >= l.length()) {
                        throw fail("a lone \\ in a label value");
                    }
                    char n = l.charAt(++j);
                    switch (n) {
                        case '\\' -> v.append('\\');
                        case '"' -> v.append('"');
                        case 'n' -> v.append('\n');
                        default -> throw fail("unknown escape \\" + n + " in a label value");
                    }
                } else {
                    v.append(c);
                }
                j++;
            }
            if (into.put(name, v.toString()) != null) {
                throw fail("the label " + name + " twice");
            }
            j++;
            if (j < l.length() && l.charAt(j) == ',') {
                j++;
                if (j < l.length() && l.charAt(j) == '}') {
                    return j + 1; // a trailing comma is allowed
                }
                i = j;
                continue;
            }
            if (j < l.length() && l.charAt(j) == '}') {
                return j + 1;
            }
            throw fail("expected , or } after a label");
        }
    }

    /** Buckets cumulative, +Inf present and equal to _count, per series of the histogram. */
    private void checkHistogram(Family f) {
        if (!f.type().equals("histogram")) {
            return;
        }
        Map<Map<String, String>, TreeMap<Double, Double>> buckets = new LinkedHashMap<>();
        Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
        for (Sample s : f.samples()) {
            Map<String, String> key = new TreeMap<>(s.labels());
            if (s.name().endsWith("_bucket")) {
                String le = key.remove("le");
                double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                buckets.computeIfAbsent(key, k -> new TreeMap<>()).put(bound, s.value());
            } else if (s.name().endsWith("_count")) {
                counts.put(key, s.value());
            }
        }
        buckets.forEach((key, b) -> {
            double last = 0;
            for (double v : b.values()) {
                if (v < last) {
                    throw new IllegalArgumentException(f.name() + key + ": buckets are not cumulative: " + b);
                }
                last = v;
            }
            if (!b.containsKey(Double.POSITIVE_INFINITY) || !b.get(Double.POSITIVE_INFINITY).equals(counts.get(key))) {
                throw new IllegalArgumentException(f.name() + key + ": the +Inf bucket is not _count: " + b + " vs " + counts.get(key));
            }
        });
    }
}
