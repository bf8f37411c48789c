package io.connwatch.lifecycle.dispatch;

import io.connwatch.lifecycle.inhibit.Inhibitor;
import io.connwatch.lifecycle.silence.Silences;
import io.connwatch.lifecycle.timeinterval.TimeInterval;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The configured suppression stages bound together for the dispatcher: the silences, the
 * inhibition rules (indexed once per group tick over the firing alerts, not scanned per alert)
 * and the named time intervals.
 */
public final class Stages implements Suppression {
    private final Silences silences;
    private final Inhibitor inhibitor;
    private final Map<String, TimeInterval> intervals;
    private Map<String, Map<String, String>> indexedFor;
    private Inhibitor.Index index;

    public Stages(Silences silences, Inhibitor inhibitor, Map<String, TimeInterval> intervals) {
        this.silences = silences;
        this.inhibitor = inhibitor;
        this.intervals = Map.copyOf(intervals);
    }

    public Silences silences() {
        return silences;
    }

    public Inhibitor inhibitor() {
        return inhibitor;
    }

    public Map<String, TimeInterval> intervals() {
        return intervals;
    }

    @Override
    public List<String> silencedBy(Map<String, String> labels, Instant now) {
        return silences.silencing(labels, now);
    }

    @Override
    public synchronized List<String> inhibitedBy(String fingerprint, Map<String, String> labels,
                                                 Map<String, Map<String, String>> firing) {
        if (inhibitor.rules().isEmpty()) {
            return List.of();
        }
        // The dispatcher builds a fresh map of the firing alerts per tick and never changes it afterwards.
        if (firing != indexedFor) {
            List<Inhibitor.Candidate> candidates = new ArrayList<>(firing.size());
            firing.forEach((fp, l) -> candidates.add(new Inhibitor.Candidate(fp, l)));
            index = inhibitor.index(candidates);
            indexedFor = firing;
        }
        return index.inhibitedBy(labels, fingerprint);
    }

    @Override
    public boolean inInterval(String name, Instant t) {
        TimeInterval i = intervals.get(name);
        return i != null && i.contains(t);
    }
}
