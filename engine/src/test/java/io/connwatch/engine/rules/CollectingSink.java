package io.connwatch.engine.rules;

import io.connwatch.alert.Alert;
import io.connwatch.engine.alert.sink.AlertSink;
import java.util.ArrayList;
import java.util.List;

/** Keeps every published alert, for assertions. */
public final class CollectingSink implements AlertSink {
    private final List<Alert> alerts = new ArrayList<>();

    @Override
    public synchronized void publish(Alert alert) {
        alerts.add(alert);
    }

    public synchronized List<Alert> alerts() {
        return List.copyOf(alerts);
    }

    public synchronized List<Alert> byRule(String rule) {
        return alerts.stream().filter(a -> a.rule().equals(rule)).toList();
    }
}
