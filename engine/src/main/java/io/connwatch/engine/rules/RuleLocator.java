package io.connwatch.engine.rules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds a rule's DRL file and line by its package and name, and the line of a condition's text inside it. */
final class RuleLocator {
    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)");
    private static final Pattern RULE = Pattern.compile("^\\s*rule\\s+(?:\"([^\"]+)\"|'([^']+)'|(\\S+))");

    /** Names an {@code eval} whose text Drools does not keep: found when the rule has exactly one. */
    static final String EVAL = "eval(";
    /** Names an accumulate function, whose text Drools does not keep either: found when the rule has exactly one accumulate. */
    static final String ACCUMULATE = "accumulate";

    private record Place(Path file, int line, List<String> lines) {
    }

    private final Map<String, Place> byKey = new HashMap<>();

    RuleLocator(List<Path> files) {
        for (Path file : files) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                continue; // the rule is then named without a place
            }
            String pkg = "";
            for (int i = 0; i < lines.size(); i++) {
                Matcher p = PACKAGE.matcher(lines.get(i));
                if (p.find()) {
                    pkg = p.group(1);
                    continue;
                }
                Matcher r = RULE.matcher(lines.get(i));
                if (r.find()) {
                    String name = r.group(1) != null ? r.group(1) : r.group(2) != null ? r.group(2) : r.group(3);
                    Place place = new Place(file, i + 1, lines);
                    byKey.putIfAbsent(pkg + "/" + name, place);
                    byKey.putIfAbsent("/" + name, place);
                }
            }
        }
    }

    /**
     * Where a rule is: "file:line" of the condition's text within the rule when given and found,
     * else of the rule's first line; "" when the rule is not in these files.
     */
    String where(String pkg, String rule, String condition) {
        Place p = byKey.get((pkg == null ? "" : pkg) + "/" + rule);
        if (p == null) {
            p = byKey.get("/" + rule);
        }
        if (p == null) {
            return "";
        }
        int line = p.line();
        if (EVAL.equals(condition) || ACCUMULATE.equals(condition)) {
            String keyword = EVAL.equals(condition) ? EVAL : ACCUMULATE + "(";
            int found = -1;
            for (int i = p.line(); i < p.lines().size() && !RULE.matcher(p.lines().get(i)).find(); i++) {
                if (p.lines().get(i).replaceAll("\\s+", "").contains(keyword)) {
                    found = found == -1 ? i + 1 : -2;
                }
            }
            return p.file() + ":" + (found > 0 ? found : line);
        }
        if (condition != null && !condition.isBlank()) {
            String needle = condition.replaceAll("\\s+", "");
            for (int i = p.line(); i < p.lines().size(); i++) {
                String text = p.lines().get(i);
                if (RULE.matcher(text).find()) {
                    break;
                }
                if (text.replaceAll("\\s+", "").contains(needle)) {
                    line = i + 1;
                    break;
                }
            }
        }
        return p.file() + ":" + line;
    }
}
