package io.connwatch.alert;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A detection raised by a rule, immutable, carrying everything a receiver needs to act on it.
 *
 * @param id           unique id of this alert (a UUID)
 * @param rule         the name of the rule that raised it
 * @param severity     how urgent it is
 * @param fingerprint  stable identity of what the alert is about: the same rule on the same
 *                     subject gives the same fingerprint, which dedup and grouping key on
 * @param evidenceTime event time of the evidence (the earliest TimeGenerated that triggered it)
 * @param detectedAt   wall-clock time the engine raised it
 * @param computer     FQDN of the machine, when known
 * @param machine      the {@code m-GUID} machine id
 * @param process      the process name (or id when the name is unknown); null for machine-wide alerts
 * @param summary      one line a person reads first
 * @param labels       key/value labels for routing and grouping, sorted by key
 * @param evidence     the facts and threat data that made the rule fire
 */
public record Alert(
    String id,
    String rule,
    Severity severity,
    String fingerprint,
    Instant evidenceTime,
    Instant detectedAt,
    String computer,
    String machine,
    String process,
    String summary,
    Map<String, String> labels,
    List<Evidence> evidence) {

    public Alert {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(evidenceTime, "evidenceTime");
        Objects.requireNonNull(detectedAt, "detectedAt");
        Objects.requireNonNull(summary, "summary");
        labels = Collections.unmodifiableMap(new TreeMap<>(labels));
        evidence = List.copyOf(evidence);
    }
}
