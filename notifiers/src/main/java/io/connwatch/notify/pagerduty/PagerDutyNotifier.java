package io.connwatch.notify.pagerduty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connwatch.alert.Alert;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Notification.AlertStatus;
import io.connwatch.alert.Notification.NotifiedAlert;
import io.connwatch.alert.Severity;
import io.connwatch.notify.DeliveryException;
import io.connwatch.notify.EvidenceText;
import io.connwatch.notify.FieldLimits;
import io.connwatch.notify.GroupLabels;
import io.connwatch.notify.HttpSupport;
import io.connwatch.notify.MessageText;
import io.connwatch.notify.Notifier;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * PagerDuty Events API v2: one incident per alert group. Its {@code dedup_key} is the group key
 * ({@link FieldLimits#groupId} when longer than PagerDuty's 255 characters), so every notification
 * of a group lands on the same incident: a firing notification sends a {@code trigger} event (and,
 * when the group is acknowledged in connwatch, an {@code acknowledge} event after it), a resolved
 * one a {@code resolve} event that closes the incident, and an acknowledgement notification (sent
 * when the group is acknowledged in connwatch) only the {@code acknowledge} event. PagerDuty has no
 * event that takes an acknowledgement back: withdrawing one in connwatch sends nothing. The
 * trigger's summary (at most 1,024 characters) says the counts, the worst severity, the group and
 * the first alert; its severity maps CRITICAL to {@code critical}, HIGH to {@code error}, MEDIUM
 * and LOW to {@code warning},
 * INFO to {@code info}; {@code custom_details} carries every label of the group's alerts
 * ({@link GroupLabels}, so the ATT&CK {@code tactic} and {@code technique} show) and lists up to
 * {@code max-alerts} alerts with their own labels, counting the others; the event stays under
 * PagerDuty's 512 KB. PagerDuty's answers: 202 accepted; 400 (an invalid event) and other 4xx are
 * permanent; 429 and 5xx are retried, honouring Retry-After. The routing key is a secret: it
 * appears in no message, log line or preview.
 */
public final class PagerDutyNotifier implements Notifier {
    /** PagerDuty's limit on a dedup key. */
    public static final int MAX_DEDUP_KEY = 255;
    /** PagerDuty's limit on a summary. */
    public static final int MAX_SUMMARY = 1024;
    /** PagerDuty's limit on an event, in bytes. */
    public static final int MAX_EVENT_BYTES = 512 * 1024;
    /** Characters of one text value in {@code custom_details}. */
    static final int MAX_DETAIL_TEXT = 1024;
    /** Characters of {@code source}, {@code group}, {@code class} and a link's text. */
    static final int MAX_SHORT_TEXT = 255;
    /** Labels listed in one {@code labels} object: a group whose alerts bring thousands of keys still fits. */
    static final int MAX_LABELS = 100;
    /** What a preview shows instead of the routing key. */
    public static final String REDACTED = "<routing-key>";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final PagerDutyConfig config;
    private final HttpClient http;

    public PagerDutyNotifier(PagerDutyConfig config) throws GeneralSecurityException, IOException {
        this.name = config.name();
        this.config = config;
        this.http = HttpSupport.client(config.timeout(), HttpSupport.Tls.DEFAULT);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean sendResolved() {
        return config.sendResolved();
    }

    /** True: an acknowledgement in connwatch acknowledges the incident at once. */
    @Override
    public boolean acknowledgements() {
        return true;
    }

    /** The events a delivery sends, one JSON object a line, with the routing key shown as {@value #REDACTED}. */
    @Override
    public Optional<String> preview(Notification n) {
        return Optional.of(String.join("\n", events(n, REDACTED)));
    }

    /** The dedup key of a group: its key, or a digest of it when longer than {@value #MAX_DEDUP_KEY} characters. */
    public static String dedupKey(Notification n) {
        return FieldLimits.groupId(n.groupKey(), MAX_DEDUP_KEY);
    }

    /** PagerDuty's severity for ours. */
    public static String severity(Severity s) {
        return switch (s) {
            case CRITICAL -> "critical";
            case HIGH -> "error";
            case MEDIUM, LOW -> "warning";
            case INFO -> "info";
        };
    }

    /** The events for a notification, in the order they are sent, each as JSON with {@code routingKey}. */
    List<String> events(Notification n, String routingKey) {
        List<String> out = new ArrayList<>(2);
        if (n.kind() == Notification.Kind.ACKNOWLEDGEMENT) {
            out.add(write(action(n, routingKey, "acknowledge")));
            return out;
        }
        if (n.status() == AlertStatus.RESOLVED) {
            out.add(write(action(n, routingKey, "resolve")));
            return out;
        }
        out.add(trigger(n, routingKey));
        if (n.ack() != null) {
            out.add(write(action(n, routingKey, "acknowledge")));
        }
        return out;
    }

    private static ObjectNode action(Notification n, String routingKey, String action) {
        ObjectNode e = JSON.createObjectNode();
        e.put("routing_key", routingKey);
        e.put("event_action", action);
        e.put("dedup_key", dedupKey(n));
        return e;
    }

    /** The trigger event, listing as many alerts as fit in {@value #MAX_EVENT_BYTES} bytes (at most {@code max-alerts}). */
    private String trigger(Notification n, String routingKey) {
        int listed = Math.min(config.maxAlerts(), n.alerts().size());
        while (true) {
            String body = write(trigger(n, routingKey, listed));
            if (listed == 0 || FieldLimits.utf8Length(body) <= MAX_EVENT_BYTES) {
                return body;
            }
            listed /= 2;
        }
    }

    private ObjectNode trigger(Notification n, String routingKey, int listed) {
        ObjectNode e = action(n, routingKey, "trigger");
        e.put("client", config.client());
        if (config.clientUrl() != null) {
            e.put("client_url", config.clientUrl().toString());
        }
        ObjectNode p = e.putObject("payload");
        p.put("summary", summary(n));
        p.put("source", FieldLimits.cut(source(n), MAX_SHORT_TEXT));
        p.put("severity", severity(n.worstSeverity()));
        p.put("timestamp", MessageText.iso(n.at()));
        String group = MessageText.group(n);
        if (!group.isEmpty()) {
            p.put("group", FieldLimits.cut(group, MAX_SHORT_TEXT));
        }
        TreeSet<String> rules = new TreeSet<>();
        n.alerts().forEach(a -> rules.add(a.alert().rule()));
        p.put("class", FieldLimits.cut(String.join(", ", rules), MAX_SHORT_TEXT));
        p.set("custom_details", details(n, listed));
        if (n.ackUrl() != null) {
            ObjectNode link = e.putArray("links").addObject();
            link.put("href", n.ackUrl());
            link.put("text", "Acknowledge in connwatch");
        }
        return e;
    }

    /** {@code FIRING 3 (2 new) HIGH — computer=web-01: <the first alert's summary>}, at most {@value #MAX_SUMMARY} characters. */
    static String summary(Notification n) {
        String group = MessageText.group(n);
        StringBuilder sb = new StringBuilder(MessageText.headline(n)).append(' ')
            .append(n.worstSeverity().label().toUpperCase(Locale.ROOT));
        if (!group.isEmpty()) {
            sb.append(" \u2014 ").append(FieldLimits.cut(group, MAX_SUMMARY));
        }
        if (!n.alerts().isEmpty()) {
            sb.append(": ").append(FieldLimits.cut(n.alerts().get(0).alert().summary(), MAX_SUMMARY));
        }
        return FieldLimits.cut(sb.toString(), MAX_SUMMARY);
    }

    /** The machine the group is about when all its alerts are about one, else {@code connwatch}. */
    private static String source(Notification n) {
        TreeSet<String> hosts = new TreeSet<>();
        n.alerts().forEach(a -> hosts.add(MessageText.host(a.alert())));
        return hosts.size() == 1 && !hosts.first().isEmpty() ? hosts.first() : "connwatch";
    }

    private static ObjectNode details(Notification n, int listed) {
        ObjectNode d = JSON.createObjectNode();
        d.put("status", n.status().label());
        d.put("headline", MessageText.headline(n));
        d.put("groupKey", FieldLimits.cut(n.groupKey(), MAX_DETAIL_TEXT));
        d.set("groupLabels", labels(n.groupLabels()));
        d.set("commonLabels", labels(n.commonLabels()));
        d.set("labels", labels(GroupLabels.union(n.alerts())));
        ObjectNode counts = d.putObject("counts");
        counts.put("firing", n.counts().firing());
        counts.put("resolved", n.counts().resolved());
        counts.put("new", n.counts().newFiring());
        counts.put("silenced", n.counts().silenced());
        counts.put("inhibited", n.counts().inhibited());
        counts.put("muted", n.counts().muted());
        d.put("truncatedAlerts", n.counts().truncated() + n.alerts().size() - listed);
        String ack = MessageText.acknowledged(n);
        if (!ack.isEmpty()) {
            d.put("acknowledged", FieldLimits.cut(ack, MAX_DETAIL_TEXT));
        }
        ArrayNode alerts = d.putArray("alerts");
        for (NotifiedAlert na : n.alerts().subList(0, listed)) {
            Alert a = na.alert();
            ObjectNode o = alerts.addObject();
            o.put("status", na.status().label());
            o.put("severity", a.severity().label());
            o.put("rule", a.rule());
            o.put("summary", FieldLimits.cut(a.summary(), MAX_DETAIL_TEXT));
            o.put("computer", FieldLimits.cut(MessageText.host(a), MAX_DETAIL_TEXT));
            o.put("process", FieldLimits.cut(a.process(), MAX_DETAIL_TEXT));
            o.put("startsAt", MessageText.iso(na.startsAt()));
            o.put("endsAt", MessageText.iso(na.endsAt()));
            o.put("fingerprint", a.fingerprint());
            o.set("labels", labels(a.labels()));
            o.put("evidence", FieldLimits.cut(evidence(a), MAX_DETAIL_TEXT));
        }
        return d;
    }

    /**
     * Labels as they are (the ATT&CK {@code tactic} and {@code technique} among them), the first
     * {@value #MAX_LABELS} by key, values cut.
     */
    private static ObjectNode labels(Map<String, String> labels) {
        ObjectNode o = JSON.createObjectNode();
        new TreeMap<>(labels).entrySet().stream().limit(MAX_LABELS)
            .forEach(e -> o.put(FieldLimits.cut(e.getKey(), MAX_SHORT_TEXT), FieldLimits.cut(e.getValue(), MAX_DETAIL_TEXT)));
        return o;
    }

    private static String evidence(Alert a) {
        StringBuilder sb = new StringBuilder();
        for (var e : a.evidence()) {
            if (sb.length() > MAX_DETAIL_TEXT) {
                break;
            }
            sb.append(sb.isEmpty() ? "" : "; ").append(EvidenceText.sentence(e, MAX_DETAIL_TEXT));
        }
        return sb.toString();
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends the notification's events in order; the first failure stops the rest (a retry sends them all again: each is idempotent by its dedup key). */
    @Override
    public void deliver(Notification n) throws DeliveryException {
        for (String event : events(n, config.routingKey())) {
            HttpRequest req = HttpRequest.newBuilder(config.url()).timeout(config.timeout()).header("Content-Type", "application/json")
                .header("User-Agent", "connwatch").POST(HttpRequest.BodyPublishers.ofString(event, StandardCharsets.UTF_8)).build();
            HttpResponse<String> r = HttpSupport.send(http, req, name);
            if (r.statusCode() / 100 != 2) {
                throw HttpSupport.failure(name, r, reason(r.body()));
            }
        }
    }

    /** PagerDuty's own words for a refusal ({@code message} and {@code errors}), short, and never when they quote the routing key. */
    private String reason(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode o = JSON.readTree(body);
            StringBuilder sb = new StringBuilder(o.path("message").asText(""));
            String sep = sb.isEmpty() ? "" : ": ";
            for (JsonNode err : o.path("errors")) {
                sb.append(sep).append(err.asText());
                sep = "; ";
            }
            String text = sb.toString().replaceAll("\\p{Cntrl}", " ").strip();
            return text.isEmpty() || text.contains(config.routingKey()) ? null : FieldLimits.cut(text, 200);
        } catch (IOException e) {
            return null;
        }
    }
}
