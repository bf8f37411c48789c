package io.connwatch.engine.rules;

import io.connwatch.config.Durations;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Thresholds that rules read, from {@code parameters.yaml} in the rules directory, so users tune
 * them without touching Java or DRL. Bound to the DRL global {@code params}; keys are the YAML
 * path joined with dots, e.g. {@code params.count("failure-spike.machine-floor")}.
 */
public final class RuleParameters {
    public static final String FILE_NAME = "parameters.yaml";
    private static final Pattern USE = Pattern.compile("params\\s*\\.\\s*(count|ratio|millis)\\s*\\(\\s*\"([^\"]+)\"\\s*\\)");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final String source;
    private final Map<String, String> values;
    // Rules read thresholds in constraints, once per fact: parse each value once.
    private final Map<String, Long> counts = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Double> ratios = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Long> millis = new java.util.concurrent.ConcurrentHashMap<>();

    private RuleParameters(String source, Map<String, String> values) {
        this.source = source;
        this.values = Collections.unmodifiableMap(values);
    }

    public static RuleParameters empty() {
        return new RuleParameters("(no parameters file)", new TreeMap<>());
    }

    /** Reads {@code parameters.yaml} from the rules directory; an absent file gives no parameters. */
    public static RuleParameters load(Path rulesDir) throws RuleCompilationException {
        Path file = rulesDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return new RuleParameters(file.toString(), new TreeMap<>());
        }
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new RuleCompilationException(List.of(new RuleProblem(file.toString(), 0, -1, "cannot read YAML: " + e.getMessage())));
        }
        Map<String, String> values = new TreeMap<>();
        List<RuleProblem> problems = new ArrayList<>();
        if (root != null && !root.isMissingNode() && !root.isNull()) {
            if (!root.isObject()) {
                problems.add(new RuleProblem(file.toString(), 0, -1, "expected a mapping of parameter names to values"));
            } else {
                flatten("", root, values, problems, file.toString());
            }
        }
        if (!problems.isEmpty()) {
            throw new RuleCompilationException(problems);
        }
        return new RuleParameters(file.toString(), values);
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out, List<RuleProblem> problems, String file) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode v = e.getValue();
            if (v.isObject()) {
                flatten(key, v, out, problems, file);
            } else if (v.isValueNode() && !v.isNull()) {
                out.put(key, v.asText());
            } else {
                problems.add(new RuleProblem(file, 0, -1, key + ": expected a number or a duration"));
            }
        }
    }

    /** A whole number, e.g. a floor of failed links. */
    public long count(String key) {
        Long cached = counts.get(key);
        if (cached != null) {
            return cached;
        }
        long v = parseCount(key);
        counts.put(key, v);
        return v;
    }

    private long parseCount(String key) {
        String v = require(key);
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ": " + key + ": expected a whole number, got '" + v + "'");
        }
    }

    /** A decimal number, e.g. a factor or a percentage. */
    public double ratio(String key) {
        Double cached = ratios.get(key);
        if (cached != null) {
            return cached;
        }
        double v = parseRatio(key);
        ratios.put(key, v);
        return v;
    }

    private double parseRatio(String key) {
        String v = require(key);
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ": " + key + ": expected a number, got '" + v + "'");
        }
    }

    /** A duration in milliseconds, written as {@code 5m}, {@code 90s}, {@code 1h}. */
    public long millis(String key) {
        Long cached = millis.get(key);
        if (cached != null) {
            return cached;
        }
        long v = Durations.parse(require(key)).toMillis();
        millis.put(key, v);
        return v;
    }

    public Map<String, String> values() {
        return values;
    }

    private String require(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException(source + ": parameter '" + key + "' is not set");
        }
        return v;
    }

    /**
     * Checks every {@code params.count/ratio/millis("key")} in the rule files against this file,
     * so a missing or mistyped threshold fails at load with file:line instead of mid-stream.
     */
    public List<RuleProblem> checkUses(List<Path> ruleFiles) {
        List<RuleProblem> problems = new ArrayList<>();
        for (Path f : ruleFiles) {
            List<String> lines;
            try {
                lines = Files.readAllLines(f);
            } catch (IOException e) {
                problems.add(new RuleProblem(f.toString(), 0, -1, "cannot read: " + e.getMessage()));
                continue;
            }
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = USE.matcher(lines.get(i));
                while (m.find()) {
                    String kind = m.group(1);
                    String key = m.group(2);
                    try {
                        switch (kind) {
                            case "count" -> count(key);
                            case "ratio" -> ratio(key);
                            default -> millis(key);
                        }
                    } catch (IllegalArgumentException e) {
                        problems.add(new RuleProblem(f.toString(), i + 1, m.start(), e.getMessage()));
                    }
                }
            }
        }
        return problems;
    }
}
