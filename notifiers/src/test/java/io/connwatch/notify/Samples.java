package io.connwatch.notify;

import io.connwatch.alert.Alert;
import io.connwatch.alert.Evidence;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Notification.AlertStatus;
import io.connwatch.alert.Notification.Counts;
import io.connwatch.alert.Notification.NotifiedAlert;
import io.connwatch.alert.Severity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Alerts and notifications for notifier tests. */
public final class Samples {
    /** When sample notifications were sent. */
    public static final Instant AT = Instant.parse("2024-04-01T08:20:00Z");

    private Samples() {
    }

    public static Alert alert(String id, Severity severity) {
        Map<String, Object> conn = new LinkedHashMap<>();
        conn.put("TimeGenerated", "2024-04-01T08:15:00Z");
        conn.put("RemoteIp", "192.9.135.73");
        conn.put("DestinationPort", 1194);
        conn.put("ProcessName", "python3 <&>");
        return new Alert(id, "malicious-remote-ip-outbound", severity, "fp-" + id, Instant.parse("2024-04-01T08:15:00Z"),
            Instant.parse("2024-04-01T08:16:00Z"), "app-001.contoso.com", "m-67ac", "python3",
            "Outbound connection from python3 to known C2 192.9.135.73:1194 <b>& co</b>",
            Map.of("direction", "outbound", "threat_type", "C2"),
            List.of(new Evidence("VMConnection", Instant.parse("2024-04-01T08:15:00Z"), conn)));
    }

    /** The alerts as one ungrouped firing notification for {@code receiver}, as the alert path queues them. */
    public static Notification notification(String receiver, Alert... alerts) {
        return Notification.of(receiver, List.of(alerts), AT);
    }

    /** A firing alert of a group, new or not, that started at its evidence time. */
    public static NotifiedAlert firing(Alert a, boolean isNew) {
        return new NotifiedAlert(a, AlertStatus.FIRING, a.evidenceTime(), null, isNew, isNew ? 1 : 3, List.of(), List.of());
    }

    /** An alert of a group that resolved five minutes after its evidence time. */
    public static NotifiedAlert resolved(Alert a) {
        return new NotifiedAlert(a, AlertStatus.RESOLVED, a.evidenceTime(), a.evidenceTime().plusSeconds(300), true, 2, List.of(),
            List.of());
    }

    /** The notification with an acknowledgement and a link that acknowledges. */
    public static Notification withAck(Notification n, Notification.Acknowledgement ack, String ackUrl) {
        return new Notification(n.id(), n.receiver(), n.groupKey(), n.groupLabels(), n.status(), n.alerts(), n.counts(), n.at(),
            n.repeat(), ack, ackUrl);
    }

    /**
     * A notification of the group {@code computer=<computer>} for {@code receiver}, firing while
     * any of {@code alerts} fires, with counts taken from the alerts and the held-back numbers given.
     */
    public static Notification group(String receiver, String computer, List<NotifiedAlert> alerts, long silenced, long inhibited,
                                     long muted) {
        int firing = (int) alerts.stream().filter(a -> a.status() == AlertStatus.FIRING).count();
        int newFiring = (int) alerts.stream().filter(a -> a.status() == AlertStatus.FIRING && a.isNew()).count();
        int resolved = alerts.size() - firing;
        return new Notification("n-" + computer.hashCode() + "-" + alerts.size(), receiver, "{}/{computer=~\"*\"}:{computer=\"" + computer
            + "\"}", Map.of("computer", computer), firing > 0 ? AlertStatus.FIRING : AlertStatus.RESOLVED, alerts,
            new Counts(firing, resolved, newFiring, resolved, 0, silenced, inhibited, muted), AT, false, null, null);
    }
}
