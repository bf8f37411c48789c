package io.connwatch.engine.config;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in configuration text with environment
 * values; {@code $${...}} stays literal. A reference to an unset variable without a default is a
 * problem (reported with its line), never an empty string.
 */
final class EnvSubstitution {
    private static final Pattern REF = Pattern.compile("\\$?\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private EnvSubstitution() {
    }

    static String apply(String text, Map<String, String> env, List<String> problems) {
        StringBuilder out = new StringBuilder(text.length());
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String trimmed = line.stripLeading();
            if (trimmed.startsWith("#")) {
                out.append(line);
            } else {
                Matcher m = REF.matcher(line);
                StringBuilder sb = new StringBuilder();
                while (m.find()) {
                    String replacement;
                    if (m.group().startsWith("$$")) {
                        replacement = m.group().substring(1);
                    } else {
                        String value = env.get(m.group(1));
                        if (value == null) {
                            value = m.group(2);
                        }
                        if (value == null) {
                            problems.add("line " + (i + 1) + ": environment variable " + m.group(1) + " is not set and has no default");
                            value = "";
                        }
                        replacement = value;
                    }
                    m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
                }
                m.appendTail(sb);
                out.append(sb);
            }
            if (i < lines.length - 1) {
                out.append('\n');
            }
        }
        return out.toString();
    }
}
