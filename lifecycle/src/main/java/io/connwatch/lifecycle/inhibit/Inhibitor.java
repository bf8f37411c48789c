package io.connwatch.lifecycle.inhibit;

import io.connwatch.lifecycle.match.Matcher;
import io.connwatch.lifecycle.match.Matchers;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Decides which firing alerts inhibit an alert, with Alertmanager's semantics; immutable and
 * thread-safe.
 *
 * <p>For a rule, a firing alert inhibits the target when it matches the rule's source, the target
 * matches the rule's target, and every {@code equal} label has the same value on both (missing
 * on both counts as equal). An alert never inhibits itself, and when the target matches both
 * sides of a rule, alerts that also match both sides of that rule do not inhibit it (two such
 * alerts would otherwise mute each other and nothing would notify).
 *
 * <p>{@link #inhibitedBy(Map, String, Collection)} answers one question in one pass over the
 * firing alerts. To ask for many alerts against the same firing set, build an {@link #index}
 * once: it sorts the sources of each rule by their equal-label values, so each question then
 * costs the rules plus the hits, not the firing set.
 */
public final class Inhibitor {
    /**
     * A firing alert that may inhibit others.
     *
     * @param fingerprint its identity
     * @param labels      its labels
     */
    public record Candidate(String fingerprint, Map<String, String> labels) {
        public Candidate {
            Objects.requireNonNull(fingerprint, "fingerprint");
            labels = Map.copyOf(labels);
        }
    }

    private final List<InhibitRule> rules;

    public Inhibitor(List<InhibitRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * The shipped rules, so that one connection-failure incident on one machine pages once:
     *
     * <ol>
     *   <li>{@code rule="connection-failure-spike-machine"} mutes
     *       {@code rule=~"connection-failure-spike-process|connection-failure-ratio-machine"} on the
     *       same {@code computer}: the failures behind a machine-wide spike (high) usually also
     *       trip the per-process spike of the process causing them and often the machine's
     *       failure ratio (both medium); the machine-wide alert is the incident, the others would
     *       only page again for it (they stay visible as inhibited).</li>
     *   <li>any {@code severity="critical"} alert mutes {@code severity=~"info|low"} on the same
     *       {@code computer}: while a machine has a critical incident, its informational and low
     *       alerts are noise to whoever is handling it (they stay visible as inhibited, and
     *       notify once the critical alert resolves, if they still fire).</li>
     * </ol>
     *
     * Both expect the labels {@code rule}, {@code severity} (lower case) and {@code computer}.
     */
    public static List<InhibitRule> defaults() {
        return List.of(
            new InhibitRule(Matchers.of(Matcher.eq("rule", "connection-failure-spike-machine")),
                Matchers.of(Matcher.re("rule", "connection-failure-spike-process|connection-failure-ratio-machine")),
                List.of("computer")),
            new InhibitRule(Matchers.of(Matcher.eq("severity", "critical")),
                Matchers.of(Matcher.re("severity", "info|low")),
                List.of("computer")));
    }

    /** The rules, in order. */
    public List<InhibitRule> rules() {
        return rules;
    }

    /**
     * The fingerprints (sorted, each once) of the firing alerts that inhibit the target; empty
     * when none does.
     *
     * @param targetLabels      the labels of the alert that may be muted
     * @param targetFingerprint its fingerprint (it never inhibits itself)
     * @param firing            the alerts firing now
     */
    public List<String> inhibitedBy(Map<String, String> targetLabels, String targetFingerprint, Collection<Candidate> firing) {
        TreeSet<String> by = null;
        for (InhibitRule r : rules) {
            if (!r.target().matches(targetLabels)) {
                continue;
            }
            boolean targetIsSource = r.source().matches(targetLabels);
            List<String> key = equalValues(r, targetLabels);
            for (Candidate c : firing) {
                if (c.fingerprint().equals(targetFingerprint) || !key.equals(equalValues(r, c.labels()))
                    || !r.source().matches(c.labels()) || (targetIsSource && r.target().matches(c.labels()))) {
                    continue;
                }
                if (by == null) {
                    by = new TreeSet<>();
                }
                by.add(c.fingerprint());
            }
        }
        return by == null ? List.of() : List.copyOf(by);
    }

    /** The firing alerts indexed for many {@link Index#inhibitedBy} questions; cost: rules × firing matches, once. */
    public Index index(Collection<Candidate> firing) {
        return new Index(rules, firing);
    }

    /** The firing alerts of one moment, sorted per rule by their equal-label values; immutable. */
    public static final class Index {
        private final List<InhibitRule> rules;
        /** Per rule: the sources by their equal-label values. */
        private final List<Map<List<String>, List<Source>>> sources;

        private record Source(String fingerprint, boolean alsoTarget) {
        }

        private Index(List<InhibitRule> rules, Collection<Candidate> firing) {
            this.rules = rules;
            this.sources = new ArrayList<>(rules.size());
            for (InhibitRule r : rules) {
                Map<List<String>, List<Source>> byKey = new HashMap<>();
                for (Candidate c : firing) {
                    if (r.source().matches(c.labels())) {
                        byKey.computeIfAbsent(equalValues(r, c.labels()), k -> new ArrayList<>())
                            .add(new Source(c.fingerprint(), r.target().matches(c.labels())));
                    }
                }
                sources.add(byKey);
            }
        }

        /** As {@link Inhibitor#inhibitedBy(Map, String, Collection)} against the indexed firing alerts. */
        public List<String> inhibitedBy(Map<String, String> targetLabels, String targetFingerprint) {
            TreeSet<String> by = null;
            for (int i = 0; i < rules.size(); i++) {
                InhibitRule r = rules.get(i);
                Map<List<String>, List<Source>> byKey = sources.get(i);
                if (byKey.isEmpty() || !r.target().matches(targetLabels)) {
                    continue;
                }
                List<Source> candidates = byKey.get(equalValues(r, targetLabels));
                if (candidates == null) {
                    continue;
                }
                boolean targetIsSource = r.source().matches(targetLabels);
                for (Source s : candidates) {
                    if (s.fingerprint().equals(targetFingerprint) || (targetIsSource && s.alsoTarget())) {
                        continue;
                    }
                    if (by == null) {
                        by = new TreeSet<>();
                    }
                    by.add(s.fingerprint());
                }
            }
            return by == null ? List.of() : List.copyOf(by);
        }
    }

    /** The values of the rule's equal labels, a missing label as the empty string. */
    private static List<String> equalValues(InhibitRule r, Map<String, String> labels) {
        List<String> values = new ArrayList<>(r.equal().size());
        for (String name : r.equal()) {
            values.add(labels.getOrDefault(name, ""));
        }
        return values;
    }
}
