package io.connwatch.engine.rules;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes each {@code params.count/ratio/millis("key")} of a DRL text as the literal value it has in
 * {@code parameters.yaml}, so a rule reads its thresholds as constants instead of resolving the
 * {@code params} global and looking the key up on every constraint evaluation. Every line keeps
 * its length (the literal is padded with spaces), so compile errors keep their line and column;
 * a call whose key is missing or whose value does not parse is left as written, for the
 * parameter check to report. Reload compiles again, so an edited parameters.yaml takes effect.
 */
final class ParameterInlining {
    /** The call as rules write it; never inside a string (a {@code "} before it on the line is skipped). */
    private static final Pattern CALL = Pattern.compile("\\bparams\\s*\\.\\s*(count|ratio|millis)\\s*\\(\\s*\"([^\"\\n]+)\"\\s*\\)");

    private ParameterInlining() {
    }

    /** The rules directory's parameters, or null when they do not load (the rule set reports why). */
    static RuleParameters parametersOrNull(java.nio.file.Path rulesDir) {
        try {
            return RuleParameters.load(rulesDir);
        } catch (RuleCompilationException e) {
            return null;
        }
    }

    /** The DRL text with every resolvable parameter call replaced by its value. */
    static String apply(String drl, RuleParameters params) {
        Matcher m = CALL.matcher(drl);
        StringBuilder out = null;
        int copied = 0;
        while (m.find()) {
            if (insideStringOrComment(drl, m.start())) {
                continue;
            }
            String literal = literal(m.group(1), m.group(2), params);
            int width = m.end() - m.start();
            if (literal == null || literal.length() > width) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(drl.length());
            }
            out.append(drl, copied, m.start()).append(literal).append(" ".repeat(width - literal.length()));
            copied = m.end();
        }
        if (out == null) {
            return drl;
        }
        return out.append(drl, copied, drl.length()).toString();
    }

    /** The value as a parenthesised Java and MVEL literal of the method's type, or null. */
    private static String literal(String kind, String key, RuleParameters params) {
        try {
            return switch (kind) {
                case "count" -> "(" + params.count(key) + "L)";
                case "millis" -> "(" + params.millis(key) + "L)";
                default -> {
                    double v = params.ratio(key);
                    // Only plain decimals: both dialects read them as the same double.
                    String s = Double.toString(v);
                    yield Double.isFinite(v) && s.matches("-?\\d+\\.\\d+") ? "(" + s + ")" : null;
                }
            };
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** True when the position is inside a string literal or after a line comment on its line. */
    private static boolean insideStringOrComment(String text, int at) {
        int lineStart = text.lastIndexOf('\n', at - 1) + 1;
        boolean inString = false;
        for (int i = lineStart; i < at; i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '/' && i + 1 < at && (text.charAt(i + 1) == '/' || text.charAt(i + 1) == '*')) {
                return true;
            }
        }
        return inString;
    }
}
