package io.connwatch.notify.opsgenie;

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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Opsgenie Alert API v2: one Opsgenie alert per alert group, found again by its alias, the group
 * key ({@link FieldLimits#groupId} when longer than Opsgenie's 512 characters). A firing
 * notification creates the alert ({@code POST /v2/alerts}; Opsgenie folds a create with an open
 * alias into the open alert) and, when the group is acknowledged in connwatch, acknowledges it
 * ({@code POST /v2/alerts/<alias>/acknowledge?identifierType=alias}, with who and why); a resolved
 * one closes it ({@code .../close?identifierType=alias}); an acknowledgement notification (sent when
 * the group is acknowledged in connwatch) only acknowledges it. Withdrawing an acknowledgement in
 * connwatch sends nothing (the alias API has no un-acknowledge). Every request carries
 * {@code Authorization: GenieKey <key>}. The alert's message (at most 130 characters) says the
 * worst severity, the group and the first alert; its priority maps CRITICAL..INFO to P1..P5; its
 * description lists up to {@code max-alerts} alerts with their labels and evidence in words and
 * counts the others; its details (string values, at most 8,000 characters in all) and tags (at
 * most 20 of 50 characters) carry the labels of the group's alerts ({@link GroupLabels}), so the
 * ATT&CK {@code tactic} and {@code technique} show. Opsgenie's answers: 202 accepted (processed
 * asynchronously); 400, 401, 403, 404, 422 and other 4xx are permanent; 429 and 5xx are retried,
 * honouring Retry-After. The key appears in no message, log line or preview.
 */
public final class OpsgenieNotifier implements Notifier {
    /** Opsgenie's limits, in characters: an alias. */
    public static final int MAX_ALIAS = 512;
    /** A message. */
    public static final int MAX_MESSAGE = 130;
    /** A description. */
    public static final int MAX_DESCRIPTION = 15_000;
    /** The details, keys and values together. */
    public static final int MAX_DETAILS = 8_000;
    /** Tags of an alert. */
    public static final int MAX_TAGS = 20;
    /** A tag. */
    public static final int MAX_TAG = 50;
    /** The entity. */
    public static final int MAX_ENTITY = 512;
    /** The source. */
    public static final int MAX_SOURCE = 100;
    /** The user of an acknowledgement. */
    public static final int MAX_USER = 100;
    /** A note. */
    public static final int MAX_NOTE = 25_000;
    /** Characters of one alert's summary or evidence in the description. */
    private static final int MAX_ALERT_TEXT = 1_000;
    /** What a preview shows instead of the key. */
    public static final String REDACTED = "<api-key>";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request: where it goes and its JSON body. */
    record Call(String path, String body) {
    }

    private final String name;
    private final OpsgenieConfig config;
    private final HttpClient http;

    public OpsgenieNotifier(OpsgenieConfig config) throws GeneralSecurityException, IOException {
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

    /** True: an acknowledgement in connwatch acknowledges the Opsgenie alert at once. */
    @Override
    public boolean acknowledgements() {
        return true;
    }

    /** The requests a delivery makes, each as {@code POST <path>} and its body (the key is sent as a header, and not shown). */
    @Override
    public Optional<String> preview(Notification n) {
        StringBuilder sb = new StringBuilder();
        for (Call c : calls(n)) {
            sb.append(sb.isEmpty() ? "" : "\n").append("POST ").append(c.path()).append("  Authorization: GenieKey ").append(REDACTED)
                .append('\n').append(c.body());
        }
        return Optional.of(sb.toString());
    }

    /** The alias of a group's Opsgenie alert: its key, or a digest of it when longer than {@value #MAX_ALIAS} characters. */
    public static String alias(Notification n) {
        return FieldLimits.groupId(n.groupKey(), MAX_ALIAS);
    }

    /** Opsgenie's priority for our severity: CRITICAL P1 down to INFO P5. */
    public static String priority(Severity s) {
        return switch (s) {
            case CRITICAL -> "P1";
            case HIGH -> "P2";
            case MEDIUM -> "P3";
            case LOW -> "P4";
            case INFO -> "P5";
        };
    }

    /** The requests for a notification, in order. */
    List<Call> calls(Notification n) {
        String byAlias = "/v2/alerts/" + pathSegment(alias(n));
        List<Call> out = new ArrayList<>(2);
        if (n.kind() == Notification.Kind.ACKNOWLEDGEMENT) {
            out.add(acknowledge(byAlias, n));
            return out;
        }
        if (n.status() == AlertStatus.RESOLVED) {
            ObjectNode close = JSON.createObjectNode();
            close.put("source", config.source());
            close.put("note", FieldLimits.cut("Resolved in connwatch: " + MessageText.headline(n) + group(n), MAX_NOTE));
            out.add(new Call(byAlias + "/close?identifierType=alias", write(close)));
            return out;
        }
        out.add(new Call("/v2/alerts", write(create(n))));
        if (n.ack() != null) {
            out.add(acknowledge(byAlias, n));
        }
        return out;
    }

    /** Acknowledges the group's alert by alias, saying who and why. */
    private Call acknowledge(String byAlias, Notification n) {
        ObjectNode ack = JSON.createObjectNode();
        ack.put("user", FieldLimits.cut(n.ack().by(), MAX_USER));
        ack.put("source", config.source());
        ack.put("note", FieldLimits.cut("Acknowledged in connwatch" + (n.ack().comment().isBlank() ? "" : ": " + n.ack().comment()),
            MAX_NOTE));
        return new Call(byAlias + "/acknowledge?identifierType=alias", write(ack));
    }

    private static String group(Notification n) {
        String g = MessageText.group(n);
        return g.isEmpty() ? "" : " \u2014 " + g;
    }

    private ObjectNode create(Notification n) {
        ObjectNode o = JSON.createObjectNode();
        o.put("message", message(n));
        o.put("alias", alias(n));
        o.put("description", description(n));
        ArrayNode tags = o.putArray("tags");
        tags(n).forEach(tags::add);
        ObjectNode details = o.putObject("details");
        details(n).forEach(details::put);
        String group = MessageText.group(n);
        if (!group.isEmpty()) {
            o.put("entity", FieldLimits.cut(group, MAX_ENTITY));
        }
        o.put("source", config.source());
        o.put("priority", priority(n.worstSeverity()));
        return o;
    }

    /**
     * {@code HIGH — computer=web-01: <the first alert's summary>}, at most {@value #MAX_MESSAGE}
     * characters. No counts: Opsgenie keeps the message of the open alert a later create folds into.
     */
    static String message(Notification n) {
        StringBuilder sb = new StringBuilder(n.worstSeverity().label().toUpperCase(Locale.ROOT)).append(group(n));
        if (!n.alerts().isEmpty()) {
            sb.append(": ").append(FieldLimits.cut(n.alerts().get(0).alert().summary(), MAX_MESSAGE));
        }
        return FieldLimits.cut(sb.toString(), MAX_MESSAGE);
    }

    /** The headline, the acknowledgement and what was held back, then each listed alert, then how many were left out. */
    private String description(Notification n) {
        StringBuilder sb = new StringBuilder(MessageText.headline(n)).append(group(n)).append('\n');
        String ack = MessageText.acknowledged(n);
        if (!ack.isEmpty()) {
            sb.append(FieldLimits.cut(ack, MAX_ALERT_TEXT)).append('\n');
        }
        String held = MessageText.heldBack(n.counts());
        if (!held.isEmpty()) {
            sb.append("Held back since the last notification: ").append(held).append('\n');
        }
        List<NotifiedAlert> alerts = n.alerts();
        int listed = 0;
        String moreReserve = "\nand 1000000 more";
        for (NotifiedAlert na : alerts.subList(0, Math.min(config.maxAlerts(), alerts.size()))) {
            String entry = alertText(na);
            if (sb.length() + entry.length() + moreReserve.length() > MAX_DESCRIPTION) {
                break;
            }
            sb.append('\n').append(entry);
            listed++;
        }
        long more = alerts.size() - listed + (long) n.counts().truncated();
        if (more > 0) {
            sb.append("\nand ").append(more).append(" more");
        }
        return FieldLimits.cut(sb.toString().strip(), MAX_DESCRIPTION);
    }

    private static String alertText(NotifiedAlert na) {
        Alert a = na.alert();
        boolean gone = na.status() == AlertStatus.RESOLVED;
        StringBuilder sb = new StringBuilder();
        sb.append(gone ? "RESOLVED (" + a.severity().label().toUpperCase(Locale.ROOT) + ")" : a.severity().label().toUpperCase(Locale.ROOT))
            .append(' ').append(a.rule());
        String host = MessageText.host(a);
        if (!host.isEmpty()) {
            sb.append(" on ").append(FieldLimits.cut(host, 255));
        }
        if (a.process() != null) {
            sb.append(" (").append(FieldLimits.cut(a.process(), 255)).append(')');
        }
        sb.append(gone ? ", resolved " + MessageText.time(na.endsAt()) : ", since " + MessageText.time(na.startsAt()))
            .append(": ").append(FieldLimits.cut(a.summary(), MAX_ALERT_TEXT)).append('\n');
        if (!a.labels().isEmpty()) {
            sb.append("  labels: ").append(FieldLimits.cut(MessageText.labels(a.labels()), MAX_ALERT_TEXT)).append('\n');
        }
        StringBuilder evidence = new StringBuilder();
        for (var e : a.evidence()) {
            if (evidence.length() > MAX_ALERT_TEXT) {
                break;
            }
            evidence.append(evidence.isEmpty() ? "" : "; ").append(EvidenceText.sentence(e, MAX_ALERT_TEXT));
        }
        if (!evidence.isEmpty()) {
            sb.append("  evidence: ").append(FieldLimits.cut(evidence.toString(), MAX_ALERT_TEXT)).append('\n');
        }
        sb.append("  fingerprint: ").append(a.fingerprint()).append('\n');
        return sb.toString();
    }

    /**
     * The configured tags, then {@code key:value} of the group's labels, then of every item of the
     * alerts' labels ({@link GroupLabels}: {@code technique:T1071}), at most {@value #MAX_TAGS}.
     */
    private Set<String> tags(Notification n) {
        Set<String> tags = new LinkedHashSet<>(config.tags());
        List<String> candidates = new ArrayList<>();
        n.groupLabels().forEach((k, v) -> candidates.add(k + ":" + v));
        GroupLabels.items(n.alerts()).forEach((k, items) -> items.forEach(v -> candidates.add(k + ":" + v)));
        for (String t : candidates) {
            if (tags.size() >= MAX_TAGS) {
                break;
            }
            tags.add(FieldLimits.cut(t, MAX_TAG));
        }
        return tags;
    }

    /**
     * String details: the group key, status and counts, who acknowledged, then each label of the
     * alerts by its name ({@link GroupLabels#union}); entries that would pass {@value #MAX_DETAILS}
     * characters in all are left out.
     */
    private static Map<String, String> details(Notification n) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("status", n.status().label());
        all.put("firing", String.valueOf(n.counts().firing()));
        all.put("resolved", String.valueOf(n.counts().resolved()));
        all.put("new", String.valueOf(n.counts().newFiring()));
        String held = MessageText.heldBack(n.counts());
        if (!held.isEmpty()) {
            all.put("heldBack", held);
        }
        String ack = MessageText.acknowledged(n);
        if (!ack.isEmpty()) {
            all.put("acknowledged", FieldLimits.cut(ack, MAX_ALERT_TEXT));
        }
        if (n.ackUrl() != null) {
            all.put("ackURL", n.ackUrl());
        }
        all.put("groupKey", FieldLimits.cut(n.groupKey(), MAX_ALERT_TEXT));
        GroupLabels.union(n.alerts()).forEach((k, v) -> all.putIfAbsent(FieldLimits.cut(k, 100), FieldLimits.cut(v, MAX_ALERT_TEXT)));
        Map<String, String> out = new LinkedHashMap<>();
        int size = 0;
        for (Map.Entry<String, String> e : all.entrySet()) {
            int entry = e.getKey().length() + e.getValue().length();
            if (size + entry <= MAX_DETAILS) {
                out.put(e.getKey(), e.getValue());
                size += entry;
            }
        }
        return out;
    }

    /** A path segment with every byte outside RFC 3986's unreserved characters percent-encoded (an alias holds braces, quotes, slashes). */
    static String pathSegment(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
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

    /** Makes the notification's requests in order; the first failure stops the rest (a retry makes them all again: each is idempotent by alias). */
    @Override
    public void deliver(Notification n) throws DeliveryException {
        String base = config.apiUrl().toString().replaceAll("/+$", "");
        for (Call c : calls(n)) {
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + c.path())).timeout(config.timeout())
                .header("Content-Type", "application/json").header("User-Agent", "connwatch")
                .header("Authorization", "GenieKey " + config.apiKey())
                .POST(HttpRequest.BodyPublishers.ofString(c.body(), StandardCharsets.UTF_8)).build();
            HttpResponse<String> r = HttpSupport.send(http, req, name);
            if (r.statusCode() / 100 != 2) {
                throw HttpSupport.failure(name, r, reason(r.body()));
            }
        }
    }

    /** Opsgenie's own words for a refusal ({@code message} and the {@code errors} values), short, and never when they quote the key. */
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
            return text.isEmpty() || text.contains(config.apiKey()) ? null : FieldLimits.cut(text, 200);
        } catch (IOException e) {
            return null;
        }
    }
}
