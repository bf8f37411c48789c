package io.connwatch.alert;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One message to one receiver about one alert group, as the lifecycle decided to send it: the
 * group's firing alerts, those that joined or resolved since the group's last notification to
 * this receiver, and how many of its alerts were held back (silenced, inhibited, muted) since then.
 * Immutable; receivers deduplicate by {@link #id()} (delivery is at-least-once) or by
 * {@link #groupKey()} plus {@link #at()}.
 *
 * @param id          unique id of this notification (a UUID); a redelivery carries the same id
 * @param receiver    the receiver it is for
 * @param groupKey    stable identity of the group: the route and the values of its group-by labels
 * @param groupLabels the group-by labels and their values
 * @param status      {@link AlertStatus#FIRING} while any alert of the group fires
 * @param alerts      firing alerts first (newest joins first), then the resolved ones
 * @param counts      counts for the message's header and for what was held back
 * @param at          when the lifecycle sent it: event time under replay, wall time when live
 * @param repeat      true when nothing changed since the last notification (a repeat-interval reminder)
 * @param ack         the group's acknowledgement, or null
 * @param ackUrl      a signed, expiring link that acknowledges the group (opens a confirmation page), or null
 * @param kind        what it tells: the group's state ({@link Kind#STATE}, every notification but one kind), or only
 *                    that the group was just acknowledged ({@link Kind#ACKNOWLEDGEMENT}, sent at once to receivers that
 *                    take acknowledgements); {@link Kind#STATE} when absent (entries stored before it existed)
 */
public record Notification(
    String id,
    String receiver,
    String groupKey,
    Map<String, String> groupLabels,
    AlertStatus status,
    List<NotifiedAlert> alerts,
    Counts counts,
    Instant at,
    boolean repeat,
    Acknowledgement ack,
    String ackUrl,
    Kind kind) {

    public Notification {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(receiver, "receiver");
        Objects.requireNonNull(groupKey, "groupKey");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(counts, "counts");
        Objects.requireNonNull(at, "at");
        groupLabels = Collections.unmodifiableMap(new TreeMap<>(groupLabels));
        alerts = List.copyOf(alerts);
        kind = kind == null ? Kind.STATE : kind;
        if (kind == Kind.ACKNOWLEDGEMENT && ack == null) {
            throw new IllegalArgumentException("an acknowledgement notification carries the acknowledgement");
        }
    }

    /** A notification of the group's state (firing or resolved), as every notification but an acknowledgement's. */
    public Notification(String id, String receiver, String groupKey, Map<String, String> groupLabels, AlertStatus status,
                        List<NotifiedAlert> alerts, Counts counts, Instant at, boolean repeat, Acknowledgement ack, String ackUrl) {
        this(id, receiver, groupKey, groupLabels, status, alerts, counts, at, repeat, ack, ackUrl, Kind.STATE);
    }

    /**
     * A firing notification that carries {@code alerts} as they are, ungrouped: what `notify test`
     * and `notify preview` send, and the shape older outbox entries are read into.
     */
    public static Notification of(String receiver, List<Alert> alerts, Instant at) {
        List<NotifiedAlert> notified = alerts.stream()
            .map(a -> new NotifiedAlert(a, AlertStatus.FIRING, a.evidenceTime(), null, true, 1, List.of(), List.of()))
            .toList();
        Map<String, String> labels = new LinkedHashMap<>();
        String key = alerts.size() == 1 ? "{}:{fingerprint=\"" + alerts.get(0).fingerprint() + "\"}" : "{}:{}";
        return new Notification(UUID.randomUUID().toString(), receiver, key, labels, AlertStatus.FIRING, notified,
            new Counts(notified.size(), 0, notified.size(), 0, 0, 0, 0, 0), at, false, null, null);
    }

    /** The alerts that fire, in order. */
    public List<NotifiedAlert> firing() {
        return alerts.stream().filter(a -> a.status() == AlertStatus.FIRING).toList();
    }

    /** The alerts that resolved, in order. */
    public List<NotifiedAlert> resolved() {
        return alerts.stream().filter(a -> a.status() == AlertStatus.RESOLVED).toList();
    }

    /** The most urgent severity among the firing alerts, or among all when none fires; INFO when empty. */
    public Severity worstSeverity() {
        List<NotifiedAlert> pool = firing().isEmpty() ? alerts : firing();
        Severity worst = Severity.INFO;
        for (NotifiedAlert a : pool) {
            if (a.alert().severity().compareTo(worst) > 0) {
                worst = a.alert().severity();
            }
        }
        return worst;
    }

    /** The labels every alert of the notification has with the same value (Alertmanager's commonLabels). */
    public Map<String, String> commonLabels() {
        if (alerts.isEmpty()) {
            return groupLabels;
        }
        Map<String, String> common = new TreeMap<>(alerts.get(0).alert().labels());
        for (NotifiedAlert a : alerts.subList(1, alerts.size())) {
            common.entrySet().removeIf(e -> !e.getValue().equals(a.alert().labels().get(e.getKey())));
        }
        return Collections.unmodifiableMap(common);
    }

    /**
     * What a notification tells. A receiver that takes acknowledgements (PagerDuty, Opsgenie) acts
     * on an {@link #ACKNOWLEDGEMENT} by acknowledging the group's incident and nothing else; no
     * other receiver is sent one.
     */
    public enum Kind {
        /** The group's state: its firing alerts, those that joined or resolved (see {@link Notification#status()}). */
        STATE,
        /** Only that the group was acknowledged ({@link Notification#ack()}), sent when that happened. */
        ACKNOWLEDGEMENT;

        @com.fasterxml.jackson.annotation.JsonValue
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        @com.fasterxml.jackson.annotation.JsonCreator
        public static Kind parse(String text) {
            return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
        }
    }

    /** Firing or resolved, as payloads spell it. */
    public enum AlertStatus {
        FIRING,
        RESOLVED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        @com.fasterxml.jackson.annotation.JsonCreator
        public static AlertStatus parse(String text) {
            return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
        }
    }

    /**
     * One alert of the group as the lifecycle tracks it.
     *
     * @param alert        the latest alert raised for this fingerprint (its labels, summary, evidence)
     * @param status       firing, or resolved once no evidence came for the rule's resolve-after
     * @param startsAt     event time of the first evidence
     * @param endsAt       when it resolved (last evidence plus resolve-after), or null while firing
     * @param isNew        joined (or resolved, for a resolved alert) since the last notification of the group to this receiver
     * @param occurrences  how many times the rules raised or repeated it in this episode
     * @param silencedBy   ids of silences that matched it when it was held back (empty when notified normally)
     * @param inhibitedBy  fingerprints of the alerts that inhibit it (empty when not inhibited)
     */
    public record NotifiedAlert(
        Alert alert,
        AlertStatus status,
        Instant startsAt,
        Instant endsAt,
        boolean isNew,
        int occurrences,
        List<String> silencedBy,
        List<String> inhibitedBy) {

        public NotifiedAlert {
            Objects.requireNonNull(alert, "alert");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(startsAt, "startsAt");
            silencedBy = List.copyOf(silencedBy);
            inhibitedBy = List.copyOf(inhibitedBy);
        }

        /** Alertmanager's annotations: the summary, and the rule's description when it gave one. */
        public Map<String, String> annotations() {
            return Map.of("summary", alert.summary());
        }
    }

    /**
     * What the message's header counts, and what was held back.
     *
     * @param firing     alerts of the group firing now
     * @param resolved   alerts in this notification that resolved
     * @param newFiring  firing alerts that joined since the last notification
     * @param newResolved alerts that resolved since the last notification
     * @param truncated  alerts left out of the message by the receiver's size limits (set by the notifier)
     * @param silenced   alerts of the group held back by a silence since the last notification
     * @param inhibited  alerts of the group held back by an inhibition since the last notification
     * @param muted      alerts of the group held back by a mute time interval since the last notification
     */
    public record Counts(int firing, int resolved, int newFiring, int newResolved, int truncated, long silenced, long inhibited,
                         long muted) {
        public Counts withTruncated(int n) {
            return new Counts(firing, resolved, newFiring, newResolved, n, silenced, inhibited, muted);
        }
    }

    /**
     * A group's acknowledgement: who took it, why, and until when repeats stay quiet.
     *
     * @param by      who acknowledged (a token's or a link's subject)
     * @param comment free text
     * @param at      when
     * @param until   when the acknowledgement lapses, or null for "until the group resolves"
     */
    public record Acknowledgement(String by, String comment, Instant at, Instant until) {
        public Acknowledgement {
            Objects.requireNonNull(by, "by");
            Objects.requireNonNull(at, "at");
            comment = comment == null ? "" : comment;
        }
    }
}
