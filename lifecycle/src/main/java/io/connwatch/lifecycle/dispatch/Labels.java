package io.connwatch.lifecycle.dispatch;

import io.connwatch.alert.Alert;
import java.util.Map;
import java.util.TreeMap;

/**
 * The labels the lifecycle sees on an alert: the rule's labels (rule, severity and whatever the
 * rule added) plus {@code computer}, {@code machine} and {@code process} when the alert has them.
 * A label the rule set itself wins.
 */
public final class Labels {
    private Labels() {
    }

    public static Map<String, String> of(Alert alert) {
        Map<String, String> out = new TreeMap<>();
        if (alert.computer() != null) {
            out.put("computer", alert.computer());
        }
        if (alert.machine() != null) {
            out.put("machine", alert.machine());
        }
        if (alert.process() != null) {
            out.put("process", alert.process());
        }
        out.put("rule", alert.rule());
        out.put("severity", alert.severity().label());
        out.putAll(alert.labels());
        return out;
    }

    /** {@code {a="x", b="y"}} with quotes and backslashes escaped: the group key's and the logs' form. */
    public static String format(Map<String, String> labels) {
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
            if (b.length() > 1) {
                b.append(", ");
            }
            b.append(e.getKey()).append("=\"");
            String v = e.getValue();
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    default -> b.append(c);
                }
            }
            b.append('"');
        }
        return b.append('}').toString();
    }
}
