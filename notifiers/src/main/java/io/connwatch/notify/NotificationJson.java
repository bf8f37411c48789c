package io.connwatch.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connwatch.alert.Alert;
import io.connwatch.alert.AlertJson;
import io.connwatch.alert.Evidence;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Notification.NotifiedAlert;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON a machine receiver parses for a notification, named as Alertmanager's webhook payload
 * (version 4) where it has the same thing: the webhook's version 2 payload, and the alert object
 * that payload lists and the alerts topic publishes. Times are ISO-8601 in UTC without sub-second
 * digits; a field with nothing to say is null (or absent: {@code ackURL}).
 */
public final class NotificationJson {
    /** The payload version this class writes. */
    public static final String VERSION = "2";

    private static final ObjectMapper JSON = AlertJson.mapper();

    private NotificationJson() {
    }

    /**
     * The version 2 payload of a notification for {@code receiver}:
     * {@code version, id, groupKey, status, receiver, groupLabels, commonLabels, commonAnnotations,
     * truncatedAlerts, counts, acknowledged, ackURL (when set), alerts}, listing at most
     * {@code maxAlerts} alerts (0 for all; firing ones come first, so the resolved are cut first).
     */
    public static ObjectNode payload(Notification n, String receiver, int maxAlerts) {
        List<NotifiedAlert> alerts = n.alerts();
        int shown = maxAlerts > 0 ? Math.min(maxAlerts, alerts.size()) : alerts.size();
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        root.put("id", n.id());
        root.put("groupKey", n.groupKey());
        root.put("status", n.status().label());
        root.put("receiver", receiver);
        root.set("groupLabels", JSON.valueToTree(n.groupLabels()));
        root.set("commonLabels", JSON.valueToTree(n.commonLabels()));
        root.set("commonAnnotations", JSON.valueToTree(commonAnnotations(alerts)));
        root.put("truncatedAlerts", n.counts().truncated() + alerts.size() - shown);
        ObjectNode counts = root.putObject("counts");
        counts.put("firing", n.counts().firing());
        counts.put("resolved", n.counts().resolved());
        counts.put("new", n.counts().newFiring());
        counts.put("silenced", n.counts().silenced());
        counts.put("inhibited", n.counts().inhibited());
        counts.put("muted", n.counts().muted());
        if (n.ack() == null) {
            root.putNull("acknowledged");
        } else {
            ObjectNode ack = root.putObject("acknowledged");
            ack.put("by", n.ack().by());
            ack.put("comment", n.ack().comment());
            ack.put("at", MessageText.iso(n.ack().at()));
            ack.put("until", MessageText.iso(n.ack().until()));
        }
        if (n.ackUrl() != null) {
            root.put("ackURL", n.ackUrl());
        }
        ArrayNode list = root.putArray("alerts");
        for (NotifiedAlert a : alerts.subList(0, shown)) {
            list.add(alert(a));
        }
        return root;
    }

    /**
     * One alert: {@code id, status, startsAt, endsAt, fingerprint, rule, severity, computer,
     * machine, process, labels, annotations, evidence}. Computer, machine and process are not
     * labels here, so they come as fields: a receiver should not have to dig the host out of the
     * evidence.
     */
    public static ObjectNode alert(NotifiedAlert a) {
        Alert x = a.alert();
        ObjectNode o = JSON.createObjectNode();
        o.put("id", x.id());
        o.put("status", a.status().label());
        o.put("startsAt", MessageText.iso(a.startsAt()));
        o.put("endsAt", MessageText.iso(a.endsAt()));
        o.put("fingerprint", x.fingerprint());
        o.put("rule", x.rule());
        o.put("severity", x.severity().label());
        o.put("computer", x.computer());
        o.put("machine", x.machine());
        o.put("process", x.process());
        o.set("labels", JSON.valueToTree(x.labels()));
        o.set("annotations", JSON.valueToTree(new TreeMap<>(a.annotations())));
        ArrayNode evidence = o.putArray("evidence");
        for (Evidence e : x.evidence()) {
            ObjectNode ev = evidence.addObject();
            ev.put("kind", e.kind());
            ev.put("time", MessageText.iso(e.time()));
            ev.set("fields", JSON.valueToTree(e.fields()));
        }
        return o;
    }

    /** The annotations every alert has with the same value (Alertmanager's commonAnnotations). */
    static Map<String, String> commonAnnotations(List<NotifiedAlert> alerts) {
        if (alerts.isEmpty()) {
            return Map.of();
        }
        Map<String, String> common = new HashMap<>(alerts.get(0).annotations());
        for (NotifiedAlert a : alerts.subList(1, alerts.size())) {
            Map<String, String> other = a.annotations();
            common.entrySet().removeIf(e -> !e.getValue().equals(other.get(e.getKey())));
            if (common.isEmpty()) {
                break;
            }
        }
        return new TreeMap<>(common);
    }
}
