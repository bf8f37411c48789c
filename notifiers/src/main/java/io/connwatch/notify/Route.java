package io.connwatch.notify;

import io.connwatch.alert.Alert;
import io.connwatch.alert.Severity;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Sends the alerts it matches to its receivers. Every condition given must hold: severity at
 * least {@code minSeverity}, rule name matching one of {@code rules} (globs), every label in
 * {@code labels} equal, and {@code machine} (a glob) matching the Computer or Machine. With
 * {@code continueMatching}, later routes are tried too.
 */
public record Route(Severity minSeverity, List<Pattern> rules, Map<String, String> labels, Pattern machine,
                    List<String> receivers, boolean continueMatching) {
    public Route {
        rules = rules == null ? List.of() : List.copyOf(rules);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        receivers = List.copyOf(receivers);
    }

    public boolean matches(Alert a) {
        if (minSeverity != null && !a.severity().atLeast(minSeverity)) {
            return false;
        }
        if (!rules.isEmpty() && rules.stream().noneMatch(p -> p.matcher(a.rule()).matches())) {
            return false;
        }
        for (Map.Entry<String, String> l : labels.entrySet()) {
            if (!l.getValue().equals(a.labels().get(l.getKey()))) {
                return false;
            }
        }
        if (machine != null) {
            boolean computer = a.computer() != null && machine.matcher(a.computer().toLowerCase(Locale.ROOT)).matches();
            boolean id = a.machine() != null && machine.matcher(a.machine().toLowerCase(Locale.ROOT)).matches();
            return computer || id;
        }
        return true;
    }
}
