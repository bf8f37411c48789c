package io.connwatch.engine.alert.sink;

import io.connwatch.alert.Alert;
import io.connwatch.alert.Severity;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Passes every alert on to its sink and counts those it took, by rule and severity (for the metrics). */
public final class CountingSink implements AlertSink {
    /** What alerts are counted by; rules come from the configuration, so the keys are bounded. */
    public record Key(String rule, Severity severity) {
    }

    private final AlertSink next;
    private final ConcurrentHashMap<Key, LongAdder> counts = new ConcurrentHashMap<>();

    public CountingSink(AlertSink next) {
        this.next = next;
    }

    @Override
    public void publish(Alert alert) {
        next.publish(alert);
        counts.computeIfAbsent(new Key(alert.rule(), alert.severity()), k -> new LongAdder()).increment();
    }

    @Override
    public void repeated(String fingerprint, long evidenceMillis) {
        next.repeated(fingerprint, evidenceMillis);
    }

    @Override
    public void flush() {
        next.flush();
    }

    @Override
    public boolean durable() {
        return next.durable();
    }

    @Override
    public String name() {
        return next.name();
    }

    /** Alerts passed on so far, by rule and severity (a live view). */
    public Map<Key, LongAdder> counts() {
        return counts;
    }
}
