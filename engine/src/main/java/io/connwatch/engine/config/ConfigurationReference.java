package io.connwatch.engine.config;

import io.connwatch.config.Settings;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration reference (docs/configuration.md), generated from what the typed
 * configuration reads ({@link ConnwatchConfig#settingsRead}), with each key's comment from the
 * shipped config/connwatch.yaml as its description: the reference cannot drift from the code.
 */
public final class ConfigurationReference {
    private static final Pattern KEY_LINE = Pattern.compile("^( *)(- +)?([a-z][a-z0-9-]*):(?: +(.*?))?\\s*$");
    private static final Pattern LIST_ENTRY = Pattern.compile("\\[([^\\]]*)]");
    private static final Pattern RECEIVER = Pattern.compile("^notify\\.receivers\\[([^\\]]*)]\\.(.*)$");

    private ConfigurationReference() {
    }

    /** The reference as Markdown: one table per top-level section, receivers one table per type. */
    public static String markdown(Map<String, Settings.Read> reads, String shippedConfig) {
        Map<String, String> descriptions = descriptions(shippedConfig);
        Map<String, Map<String, Settings.Read>> sections = new LinkedHashMap<>();
        for (Map.Entry<String, Settings.Read> e : reads.entrySet()) {
            String path = e.getKey();
            Matcher rec = RECEIVER.matcher(path);
            String section;
            String key;
            if (rec.matches()) {
                // name and type are read before the entry is known by its name: they belong to every type
                section = rec.group(1).matches("\\d+") ? "notify.receivers, every type" : "notify.receivers, type: " + rec.group(1);
                key = rec.group(2);
            } else {
                int dot = path.indexOf('.');
                section = dot < 0 ? "(top level)" : path.substring(0, dot).replaceAll("\\[.*", "");
                key = dot < 0 ? path : path.substring(dot + 1);
            }
            key = LIST_ENTRY.matcher(key).replaceAll("[]");
            sections.computeIfAbsent(section, s -> new LinkedHashMap<>()).putIfAbsent(key, e.getValue());
        }
        StringBuilder out = new StringBuilder();
        out.append("# Configuration reference\n\n")
            .append("Generated from the code that reads the configuration (`ConfigurationReferenceTest` fails when this file and the\n")
            .append("code disagree; regenerate with `./mvnw -B -q -pl engine -am test -Dtest=ConfigurationReferenceTest")
            .append(" -Dsurefire.failIfNoSpecifiedTests=false -Dconnwatch.update-reference=true`). Descriptions are the comments of\n")
            .append("[config/connwatch.yaml](../config/connwatch.yaml), which sets every setting to its default. `list[]` is each\n")
            .append("entry of a list. Durations: `250ms`, `90s`, `5m`, `2h`, `1d` or ISO-8601. Booleans: true/false, yes/no, on/off.\n")
            .append("`${NAME}` and `${NAME:-default}` are replaced by environment variables; a secret `key` can instead be read\n")
            .append("from the file `key-file` names. Relative paths are taken from `home`.\n");
        for (Map.Entry<String, Map<String, Settings.Read>> s : sections.entrySet()) {
            out.append("\n## `").append(s.getKey()).append("`\n\n| key | takes | default | description |\n|---|---|---|---|\n");
            for (Map.Entry<String, Settings.Read> k : s.getValue().entrySet()) {
                String full = s.getKey().startsWith("notify.receivers") ? "notify.receivers[]." + k.getKey()
                    : s.getKey().equals("(top level)") ? k.getKey() : s.getKey() + "." + k.getKey();
                out.append("| `").append(k.getKey()).append("` | ").append(cell(k.getValue().kind())).append(" | ")
                    .append(cell(format(k.getValue().def()))).append(" | ").append(cell(descriptions.getOrDefault(full, ""))).append(" |\n");
            }
        }
        return out.toString();
    }

    /**
     * The trailing comment of each key in a commented YAML file, by dotted path with list entries as
     * {@code []}; commented-out example lines ({@code #   key: value  # what}) count as written.
     */
    static Map<String, String> descriptions(String yaml) {
        Map<String, String> out = new LinkedHashMap<>();
        Deque<int[]> indents = new ArrayDeque<>();
        Deque<String> names = new ArrayDeque<>();
        String lastPath = null;
        int lastIndent = -1;
        for (String raw : yaml.split("\n", -1)) {
            String line = uncommentExample(raw);
            Matcher m = KEY_LINE.matcher(line);
            if (!m.matches()) {
                // a comment-only line right under a key, indented past it, continues that key's description
                String t = raw.strip();
                if (lastPath != null && t.startsWith("#") && raw.indexOf('#') > lastIndent && out.containsKey(lastPath)) {
                    out.put(lastPath, out.get(lastPath) + " " + t.substring(1).strip());
                } else {
                    lastPath = null;
                }
                continue;
            }
            int indent = m.group(1).length() + (m.group(2) == null ? 0 : m.group(2).length());
            while (!indents.isEmpty() && indents.peek()[0] >= indent) {
                indents.pop();
                names.pop();
            }
            String key = m.group(3);
            String prefix = names.isEmpty() ? "" : names.peek() + ".";
            if (m.group(2) != null) {
                // a list entry: its keys sit under parent[]
                String parent = names.isEmpty() ? "" : names.peek();
                prefix = parent + "[].";
                indents.push(new int[] {indent - 1});
                names.push(parent + "[]");
            }
            String path = prefix + key;
            String value = m.group(4) == null ? "" : m.group(4);
            int hash = commentStart(value);
            if (hash >= 0) {
                out.putIfAbsent(path, value.substring(hash + 1).strip());
                lastPath = path;
                lastIndent = indent + key.length();
            } else {
                lastPath = null;
            }
            indents.push(new int[] {indent});
            names.push(path);
        }
        return out;
    }

    private static String uncommentExample(String raw) {
        Matcher m = Pattern.compile("^( {0,6})# ?( *(?:- +)?[a-z][a-z0-9-]*:(?: .*)?)$").matcher(raw);
        return m.matches() ? m.group(1) + m.group(2) : raw;
    }

    /** Where a {@code #} comment starts in a YAML value (outside quotes and brackets), or -1. */
    private static int commentStart(String value) {
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\'' && !dbl) {
                single = !single;
            } else if (c == '"' && !single) {
                dbl = !dbl;
            } else if (c == '#' && !single && !dbl && (i == 0 || value.charAt(i - 1) == ' ')) {
                return i;
            }
        }
        return -1;
    }

    private static String format(Object def) {
        if (def == null) {
            return "";
        }
        if (def instanceof Duration d) {
            return duration(d);
        }
        if (def instanceof List<?> l) {
            return l.toString();
        }
        return String.valueOf(def);
    }

    private static String duration(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        long ms = d.toMillis();
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1000L, 1L};
        String[] names = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < units.length; i++) {
            if (ms % units[i] == 0) {
                return ms / units[i] + names[i];
            }
        }
        return d.toString();
    }

    private static String cell(String text) {
        return text.isEmpty() ? "" : text.replace("|", "\\|").replace("\n", " ");
    }
}
