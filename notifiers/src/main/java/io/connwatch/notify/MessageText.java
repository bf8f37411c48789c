package io.connwatch.notify;

import io.connwatch.alert.Alert;
import io.connwatch.alert.Attack;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Notification.AlertStatus;
import io.connwatch.alert.Notification.Counts;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The words every channel uses for a notification, so that a mail, a Slack message and a
 * preview say the same thing: its headline ({@code FIRING 3 (2 new) · 1 resolved}), what the
 * group is, what was held back, and times as people read them ({@code 2026-01-05 14:03:00 UTC}).
 */
public final class MessageText {
    private static final DateTimeFormatter READABLE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
        .withZone(ZoneOffset.UTC);

    private MessageText() {
    }

    /** A time as people read it, in UTC to the second ({@code 2026-01-05 14:03:00 UTC}); empty for null. */
    public static String time(Instant t) {
        return t == null ? "" : READABLE.format(t);
    }

    /** A time as payloads carry it: ISO-8601 in UTC without sub-second digits ({@code 2026-01-05T14:03:00Z}); null for null. */
    public static String iso(Instant t) {
        return t == null ? null : DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    /**
     * {@code FIRING 3 (2 new)}, followed by {@code · 1 resolved} when some resolved since the last
     * message; {@code RESOLVED 3} once the whole group resolved.
     */
    public static String headline(Notification n) {
        Counts c = n.counts();
        if (n.status() == AlertStatus.RESOLVED) {
            return "RESOLVED " + (c.resolved() > 0 ? c.resolved() : n.alerts().size());
        }
        StringBuilder sb = new StringBuilder("FIRING ").append(c.firing());
        if (c.newFiring() > 0) {
            sb.append(" (").append(c.newFiring()).append(" new)");
        }
        if (c.resolved() > 0) {
            sb.append(" \u00b7 ").append(c.resolved()).append(" resolved");
        }
        return sb.toString();
    }

    /**
     * Whether the message should mark the new alerts: only when the group fires and some of its
     * firing alerts are not new (when all are, "new" says nothing).
     */
    public static boolean marksNew(Notification n) {
        Counts c = n.counts();
        return n.status() == AlertStatus.FIRING && c.newFiring() > 0 && c.newFiring() < c.firing();
    }

    /**
     * What the group is: its labels ({@code computer=web-01, rule=port-scan}); for an ungrouped
     * notification of one alert, {@code <rule> on <host>}; otherwise empty.
     */
    public static String group(Notification n) {
        if (!n.groupLabels().isEmpty()) {
            return labels(n.groupLabels());
        }
        if (n.alerts().size() == 1) {
            Alert a = n.alerts().get(0).alert();
            String host = host(a);
            return a.rule() + (host.isEmpty() ? "" : " on " + host);
        }
        return "";
    }

    /** Labels as {@code key=value, key=value}, in key order. */
    /** The alert's ATT&CK ids as a line ({@code TA0011 / T1071}), or null when its rule declares none. */
    public static String attack(Alert a) {
        String tactic = a.labels().get(Attack.TACTIC_LABEL);
        String technique = a.labels().get(Attack.TECHNIQUE_LABEL);
        if (tactic == null && technique == null) {
            return null;
        }
        return (tactic == null ? "-" : tactic) + " / " + (technique == null ? "-" : technique);
    }

    public static String labels(Map<String, String> labels) {
        return labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    /** What was held back since the last message, the non-zero ones only ({@code 3 silenced, 1 inhibited}); empty when none. */
    public static String heldBack(Counts c) {
        List<String> parts = new ArrayList<>(3);
        if (c.silenced() > 0) {
            parts.add(c.silenced() + " silenced");
        }
        if (c.inhibited() > 0) {
            parts.add(c.inhibited() + " inhibited");
        }
        if (c.muted() > 0) {
            parts.add(c.muted() + " muted");
        }
        return String.join(", ", parts);
    }

    /**
     * Who acknowledged the group, when, until when and why ({@code acknowledged by alice at ...
     * until ...: comment}); empty when nobody did.
     */
    public static String acknowledged(Notification n) {
        Notification.Acknowledgement a = n.ack();
        if (a == null) {
            return "";
        }
        return "acknowledged by " + a.by() + " at " + time(a.at()) + (a.until() == null ? "" : " until " + time(a.until()))
            + (a.comment().isBlank() ? "" : ": " + a.comment());
    }

    /** The machine an alert is about: its computer, else its machine id, else empty. */
    public static String host(Alert a) {
        return a.computer() != null ? a.computer() : a.machine() != null ? a.machine() : "";
    }
}
