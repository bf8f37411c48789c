package io.connwatch.lifecycle.dispatch;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The stages that hold an alert back before it reaches a receiver, as the dispatcher asks them:
 * silences, inhibition rules and named time intervals. Bound to the configured silences,
 * inhibition rules and intervals by the service; {@link #NONE} holds nothing back.
 */
public interface Suppression {
    Suppression NONE = new Suppression() {
        @Override
        public List<String> silencedBy(Map<String, String> labels, Instant now) {
            return List.of();
        }

        @Override
        public List<String> inhibitedBy(String fingerprint, Map<String, String> labels, Map<String, Map<String, String>> firing) {
            return List.of();
        }

        @Override
        public boolean inInterval(String name, Instant t) {
            return false;
        }
    };

    /** Ids of the active silences matching these labels at {@code now}. */
    List<String> silencedBy(Map<String, String> labels, Instant now);

    /** Fingerprints of the firing alerts (fingerprint to labels) that inhibit this one. */
    List<String> inhibitedBy(String fingerprint, Map<String, String> labels, Map<String, Map<String, String>> firing);

    /** True when {@code t} is inside the named time interval. */
    boolean inInterval(String name, Instant t);
}
