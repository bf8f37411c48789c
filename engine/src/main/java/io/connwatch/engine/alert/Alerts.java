package io.connwatch.engine.alert;

import io.connwatch.engine.alert.sink.AlertSink;
import io.connwatch.engine.alert.episodes.EpisodeDeduplicator;
import io.connwatch.alert.Alert;
import io.connwatch.alert.Attack;
import io.connwatch.alert.Evidence;
import io.connwatch.alert.Severity;
import io.connwatch.engine.facts.EventFact;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.kie.api.runtime.rule.RuleContext;

/**
 * The API rules raise alerts through, bound to the DRL global {@code alerts}:
 *
 * <pre>
 * alerts.raise(kcontext, Severity.HIGH)
 *       .on($connection)                 // machine, process, evidence and its time
 *       .key($connection.getRemoteIp())  // what else makes this alert distinct
 *       .label("direction", "outbound")
 *       .summary("...")
 *       .emit();
 * </pre>
 *
 * <p>The fingerprint is the rule name, machine, process and keys; alerts with the same
 * fingerprint in one episode are passed on once (see {@link EpisodeDeduplicator}). One instance
 * per rule partition; used only from that partition's thread.
 */
public final class Alerts {
    private final AlertSink sink;
    private final EpisodeDeduplicator dedup;
    private final Clock clock;
    private long raised;
    private long published;
    private AlertSink.NotDurableException notDurable;

    public Alerts(AlertSink sink, EpisodeDeduplicator dedup, Clock clock) {
        this.sink = sink;
        this.dedup = dedup;
        this.clock = clock;
    }

    /**
     * Starts an alert from the rule whose consequence is running, labelled with the rule's ATT&CK
     * ids ({@code tactic}, {@code technique}) when it declares them; a consequence's own
     * {@code label("technique", ...)} refines them for one alert.
     */
    public Draft raise(RuleContext kcontext, Severity severity) {
        Draft d = new Draft(kcontext.getRule().getName(), severity);
        Map<String, Object> meta = kcontext.getRule().getMetaData();
        d.labels.putAll(Attack.labels(meta.get("tactic"), meta.get("technique")));
        return d;
    }

    /** Starts an alert for a named rule (for callers outside a rule consequence). */
    public Draft raise(String rule, Severity severity) {
        return new Draft(rule, severity);
    }

    /** Called by the partition when its watermark moves. */
    public void watermark(long watermarkMillis) {
        dedup.expire(watermarkMillis);
    }

    public long raised() {
        return raised;
    }

    public long published() {
        return published;
    }

    /** The last alert since the previous call that no durable output took, or null; clears it. */
    public AlertSink.NotDurableException takeNotDurable() {
        AlertSink.NotDurableException e = notDurable;
        notDurable = null;
        return e;
    }

    public EpisodeDeduplicator dedup() {
        return dedup;
    }

    /** An alert being built in a rule consequence; nothing happens until {@link #emit()}. */
    public final class Draft {
        private final String rule;
        private Severity severity;
        private String computer;
        private String machine;
        private String process;
        private String summary;
        private final List<String> keys = new ArrayList<>();
        private final Map<String, String> labels = new LinkedHashMap<>();
        private final List<Evidence> evidence = new ArrayList<>();
        private long evidenceMillis = Long.MAX_VALUE;

        private Draft(String rule, Severity severity) {
            this.rule = rule;
            this.severity = severity;
        }

        /** Names the machine, computer and process the alert is about from a fact, and adds it as evidence. */
        public Draft on(EventFact fact) {
            machine = fact.getMachine();
            computer = fact.getComputer();
            String named = fact.alertProcess();
            if (named != null) {
                process = named;
            }
            return evidence(fact);
        }

        /** Adds a fact to the evidence; the alert's evidence time is the earliest of them. */
        public Draft evidence(EventFact fact) {
            evidence.add(new Evidence(fact.getTable(), fact.getTimeGenerated(), fact.toColumns()));
            evidenceMillis = Math.min(evidenceMillis, fact.getTimestamp());
            return this;
        }

        /** Adds non-fact evidence, e.g. a threat indicator. */
        public Draft evidence(String kind, Instant time, Map<String, Object> fields) {
            evidence.add(new Evidence(kind, time, fields));
            if (time != null) {
                evidenceMillis = Math.min(evidenceMillis, time.toEpochMilli());
            }
            return this;
        }

        /** Adds parts that make this alert distinct beyond rule, machine and process. */
        public Draft key(Object... parts) {
            for (Object p : parts) {
                keys.add(String.valueOf(p));
            }
            return this;
        }

        public Draft label(String name, Object value) {
            labels.put(name, String.valueOf(value));
            return this;
        }

        public Draft summary(String text) {
            summary = text;
            return this;
        }

        public Draft severity(Severity value) {
            severity = value;
            return this;
        }

        /** Overrides the process named by {@link #on}; null for a machine-wide alert. */
        public Draft process(String value) {
            process = value;
            return this;
        }

        /**
         * Raises the alert, unless an alert with the same fingerprint is already open in this
         * episode.
         *
         * @return the alert when it went out, or null when it was held back as a repeat
         */
        public Alert emit() {
            if (machine == null) {
                throw new IllegalStateException("rule '" + rule + "' raised an alert without .on(fact): no machine");
            }
            raised++;
            List<String> parts = new ArrayList<>(2 + keys.size());
            parts.add(machine);
            parts.add(process == null ? "" : process);
            parts.addAll(keys);
            String fingerprint = Fingerprint.of(rule, parts);
            if (!dedup.admit(fingerprint, evidenceMillis)) {
                sink.repeated(fingerprint, evidenceMillis);
                return null;
            }
            labels.putIfAbsent("rule", rule);
            labels.putIfAbsent("severity", severity.label());
            Alert alert = new Alert(UUID.randomUUID().toString(), rule, severity, fingerprint,
                Instant.ofEpochMilli(evidenceMillis), clock.instant(), computer, machine, process,
                summary == null ? rule + " on " + (computer != null ? computer : machine) : summary, labels, evidence);
            try {
                sink.publish(alert);
            } catch (AlertSink.NotDurableException e) {
                // Not stored anywhere that survives a crash: forget the episode so that the evidence,
                // sent again, raises the alert again, and let the partition fail its batch.
                dedup.forget(fingerprint);
                notDurable = e;
                throw e;
            }
            published++;
            return alert;
        }
    }
}
