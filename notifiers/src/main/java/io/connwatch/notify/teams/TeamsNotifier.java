package io.connwatch.notify.teams;

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
import io.connwatch.notify.HttpSupport;
import io.connwatch.notify.MessageText;
import io.connwatch.notify.Notifier;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Microsoft Teams through a Workflows (Power Automate) webhook: one message per notification (one
 * alert group) carrying one Adaptive Card ({@code {"type":"message","attachments":[{"contentType":
 * "application/vnd.microsoft.card.adaptive","contentUrl":null,"content":<card>}]}}). The card has a
 * heading with the counts and the group, red for a firing group and green for a resolved one
 * ({@code RESOLVED 2 — computer=web-01}), a line with the worst severity, the group's labels and
 * its acknowledgement, then each alert as a container with its severity and summary and a
 * FactSet: rule, computer, process, since (or resolved), evidence in words, fingerprint, and every
 * label of the alert (so the ATT&CK {@code tactic} and {@code technique} show); an "Acknowledge"
 * button when the notification has a link. Alerts beyond {@code max-alerts-per-message}, or beyond
 * what fits in {@code max-message-bytes} (Teams refuses messages over about 28 KB), are counted in
 * a last line ({@code and 84 more; 3 silenced}). Teams' answers: 202 (or 200) accepted; 400, 401,
 * 403, 404 and 413 are permanent; 429 honours Retry-After; 5xx is retried. The workflow URL is a
 * secret (its {@code sig} parameter signs requests) and appears in no message.
 */
public final class TeamsNotifier implements Notifier {
    /** The Adaptive Card schema version used: FactSet, Container styles and Action.OpenUrl are older than it. */
    public static final String CARD_VERSION = "1.4";
    public static final String CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";
    /** Characters of the heading and the group line. */
    static final int MAX_HEADING = 500;
    /** Characters of an alert's summary, its evidence, and each fact's value. */
    static final int MAX_TEXT = 1_000;
    /** Characters of a label's value as a fact. */
    static final int MAX_LABEL_VALUE = 200;
    /** Labels of an alert shown as facts. */
    static final int MAX_LABELS = 20;
    /** Bytes kept free for the last line that counts the alerts not shown. */
    private static final int MORE_LINE_RESERVE = 200;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final TeamsConfig config;
    private final HttpClient http;

    public TeamsNotifier(TeamsConfig config) throws GeneralSecurityException, IOException {
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

    /** The least time between two messages to this workflow. */
    @Override
    public Duration minInterval() {
        return config.minInterval();
    }

    /** The message, as sent. */
    @Override
    public Optional<String> preview(Notification n) {
        return Optional.of(message(n));
    }

    /** The Adaptive Card colour of a severity. */
    static String color(Severity s) {
        return switch (s) {
            case CRITICAL, HIGH -> "Attention";
            case MEDIUM -> "Warning";
            case LOW, INFO -> "Accent";
        };
    }

    /** The message for a notification, as sent: at most {@code max-message-bytes} bytes of UTF-8. */
    public String message(Notification n) {
        List<NotifiedAlert> all = n.alerts();
        int wanted = Math.min(all.size(), config.maxAlertsPerMessage());
        List<ObjectNode> containers = new ArrayList<>(wanted);
        int budget = config.maxMessageBytes() - MORE_LINE_RESERVE - FieldLimits.utf8Length(write(message(n, List.of(), 0)));
        boolean markNew = MessageText.marksNew(n);
        for (NotifiedAlert na : all.subList(0, wanted)) {
            ObjectNode c = container(na, markNew);
            budget -= FieldLimits.utf8Length(write(c)) + 1;
            if (budget < 0) {
                break;
            }
            containers.add(c);
        }
        while (true) {
            String body = write(message(n, containers, all.size() - containers.size()));
            if (containers.isEmpty() || FieldLimits.utf8Length(body) <= config.maxMessageBytes()) {
                return body;
            }
            containers.remove(containers.size() - 1);
        }
    }

    private ObjectNode message(Notification n, List<ObjectNode> alerts, int notShown) {
        boolean resolved = n.status() == AlertStatus.RESOLVED;
        ObjectNode root = JSON.createObjectNode();
        root.put("type", "message");
        ObjectNode attachment = root.putArray("attachments").addObject();
        attachment.put("contentType", CARD_CONTENT_TYPE);
        attachment.putNull("contentUrl");
        ObjectNode card = attachment.putObject("content");
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", CARD_VERSION);
        card.putObject("msteams").put("width", "Full");
        ArrayNode body = card.putArray("body");
        String group = MessageText.group(n);
        body.addObject().put("type", "TextBlock").put("text", FieldLimits.cut(MessageText.headline(n)
                + (group.isEmpty() ? "" : " \u2014 " + group), MAX_HEADING))
            .put("weight", "Bolder").put("size", "Medium").put("wrap", true).put("color", resolved ? "Good" : color(n.worstSeverity()));
        body.addObject().put("type", "TextBlock").put("text", FieldLimits.cut(groupLine(n, group), MAX_HEADING)).put("wrap", true)
            .put("isSubtle", true).put("spacing", "None");
        alerts.forEach(body::add);
        long more = notShown + (long) n.counts().truncated();
        String heldBack = MessageText.heldBack(n.counts());
        if (more > 0 || !heldBack.isEmpty()) {
            body.addObject().put("type", "TextBlock").put("text", more > 0 ? "and " + more + " more" + (heldBack.isEmpty() ? "" : "; "
                + heldBack) : heldBack + " since the last message").put("wrap", true).put("isSubtle", true).put("separator", true);
        }
        if (n.ackUrl() != null) {
            card.putArray("actions").addObject().put("type", "Action.OpenUrl").put("title", "Acknowledge").put("url", n.ackUrl());
        }
        return root;
    }

    /** Worst severity, the group's labels, a reminder, who acknowledged. */
    private static String groupLine(Notification n, String group) {
        StringBuilder sb = new StringBuilder();
        sb.append(n.status() == AlertStatus.RESOLVED ? "Resolved, was **" : "Worst severity **")
            .append(n.worstSeverity().label().toUpperCase(Locale.ROOT)).append("**");
        if (!group.isEmpty()) {
            sb.append(" \u00b7 ").append(group);
        }
        if (n.repeat()) {
            sb.append(" \u00b7 reminder: nothing changed since the last message");
        }
        String ack = MessageText.acknowledged(n);
        if (!ack.isEmpty()) {
            sb.append(" \u00b7 ").append(ack);
        }
        return sb.toString();
    }

    private static ObjectNode container(NotifiedAlert na, boolean markNew) {
        Alert a = na.alert();
        boolean gone = na.status() == AlertStatus.RESOLVED;
        String severity = a.severity().label().toUpperCase(Locale.ROOT);
        ObjectNode c = JSON.createObjectNode();
        c.put("type", "Container").put("separator", true);
        ArrayNode items = c.putArray("items");
        String lead = gone ? "**RESOLVED** (" + severity + ")" : "**" + severity + "**" + (markNew && na.isNew() ? " _new_" : "");
        items.addObject().put("type", "TextBlock").put("text", lead + " " + FieldLimits.cut(a.summary(), MAX_TEXT)).put("wrap", true)
            .put("color", gone ? "Good" : color(a.severity()));
        ArrayNode facts = items.addObject().put("type", "FactSet").putArray("facts");
        fact(facts, "Rule", a.rule());
        fact(facts, "Computer", MessageText.host(a).isEmpty() ? "-" : MessageText.host(a));
        fact(facts, "Process", a.process() == null ? "-" : a.process());
        if (gone) {
            fact(facts, "Resolved", na.endsAt() == null ? "-" : MessageText.time(na.endsAt()));
        } else {
            fact(facts, "Since", MessageText.time(na.startsAt()) + (na.occurrences() > 1 ? " (" + na.occurrences() + " times)" : ""));
        }
        String evidence = evidence(a);
        if (!evidence.isEmpty()) {
            fact(facts, "Evidence", evidence);
        }
        fact(facts, "Fingerprint", a.fingerprint());
        int shown = 0;
        for (Map.Entry<String, String> l : a.labels().entrySet()) {
            if (shown++ == MAX_LABELS) {
                fact(facts, "Labels", "and " + (a.labels().size() - MAX_LABELS) + " more");
                break;
            }
            facts.addObject().put("title", FieldLimits.cut(l.getKey(), MAX_LABEL_VALUE)).put("value",
                FieldLimits.cut(l.getValue().isEmpty() ? "-" : l.getValue(), MAX_LABEL_VALUE));
        }
        return c;
    }

    private static void fact(ArrayNode facts, String title, String value) {
        facts.addObject().put("title", title).put("value", FieldLimits.cut(value, MAX_TEXT));
    }

    private static String evidence(Alert a) {
        StringBuilder sb = new StringBuilder();
        for (var e : a.evidence()) {
            if (sb.length() > MAX_TEXT) {
                break;
            }
            sb.append(sb.isEmpty() ? "" : "; ").append(EvidenceText.sentence(e, MAX_TEXT));
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

    /** Posts the notification's message. */
    @Override
    public void deliver(Notification n) throws DeliveryException {
        HttpRequest req = HttpRequest.newBuilder(config.url()).timeout(config.timeout()).header("Content-Type", "application/json")
            .header("User-Agent", "connwatch").POST(HttpRequest.BodyPublishers.ofString(message(n), StandardCharsets.UTF_8)).build();
        HttpResponse<String> r = HttpSupport.send(http, req, name);
        if (r.statusCode() / 100 != 2) {
            throw HttpSupport.failure(name, r, errorCode(r.body()));
        }
    }

    /** The error code of a Power Automate refusal ({@code {"error":{"code":"TriggerInputSchemaMismatch",...}}}): a word, safe to show; its message is not (it can name the workflow). */
    private static String errorCode(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            String code = JSON.readTree(body).path("error").path("code").asText("");
            return code.matches("[A-Za-z]{1,60}") ? code : null;
        } catch (IOException e) {
            return null;
        }
    }
}
