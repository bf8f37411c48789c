package io.connwatch.notify.slack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connwatch.alert.Alert;
import io.connwatch.alert.Evidence;
import io.connwatch.alert.Severity;
import io.connwatch.notify.DeliveryException;
import io.connwatch.notify.HttpSupport;
import io.connwatch.notify.Notifier;
import io.connwatch.notify.Templates;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Slack incoming webhooks: Block Kit messages (severity at a glance, key fields, evidence
 * summary) with a plain-text fallback. Several pending alerts go in one message, and the
 * dispatcher keeps at least {@code min-interval} (1 s) between messages, Slack's rate for a
 * webhook. Slack's answers: 200 {@code ok}; 400 {@code invalid_payload}, 403 and 404
 * {@code no_service} are permanent; 429 honours Retry-After; 5xx is retried. The webhook URL is a
 * secret and appears in no message.
 */
public final class SlackNotifier implements Notifier {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final SlackConfig config;
    private final Templates templates;
    private final HttpClient http;

    public SlackNotifier(SlackConfig config, Templates templates) throws GeneralSecurityException, IOException {
        this.name = config.name();
        this.config = config;
        this.templates = templates;
        this.http = HttpSupport.client(config.timeout(), HttpSupport.Tls.DEFAULT);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int maxBatch() {
        return config.maxAlertsPerMessage();
    }

    /** The minimum time between two messages to this webhook. */
    @Override
    public Duration minInterval() {
        return config.minInterval();
    }

    /** The Block Kit message, as sent. */
    @Override
    public Optional<String> preview(List<Alert> alerts) {
        return Optional.of(message(alerts));
    }

    static String icon(Severity s) {
        return switch (s) {
            case CRITICAL -> ":red_circle:";
            case HIGH -> ":large_orange_circle:";
            case MEDIUM -> ":large_yellow_circle:";
            case LOW -> ":large_blue_circle:";
            case INFO -> ":white_circle:";
        };
    }

    /** The Block Kit message for alerts, as sent. */
    public String message(List<Alert> alerts) {
        ObjectNode root = JSON.createObjectNode();
        String fallback = alerts.stream().map(a -> templates.render("slack-text", a).strip()).collect(Collectors.joining("\n"));
        root.put("text", fallback);
        ArrayNode blocks = root.putArray("blocks");
        if (alerts.size() > 1) {
            blocks.addObject().put("type", "header").putObject("text").put("type", "plain_text")
                .put("text", alerts.size() + " connwatch alerts");
        }
        for (Alert a : alerts) {
            ObjectNode section = blocks.addObject();
            section.put("type", "section");
            section.putObject("text").put("type", "mrkdwn")
                .put("text", icon(a.severity()) + " *" + a.severity().label().toUpperCase(java.util.Locale.ROOT) + "* " + escape(a.summary()));
            ArrayNode fields = section.putArray("fields");
            field(fields, "Rule", a.rule());
            field(fields, "Computer", a.computer() != null ? a.computer() : a.machine());
            field(fields, "Process", a.process() == null ? "-" : a.process());
            field(fields, "Evidence at", a.evidenceTime().toString());
            ObjectNode context = blocks.addObject();
            context.put("type", "context");
            context.putArray("elements").addObject().put("type", "mrkdwn").put("text", escape(evidenceSummary(a))
                + " | fingerprint `" + a.fingerprint() + "`");
            blocks.addObject().put("type", "divider");
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void field(ArrayNode fields, String label, String value) {
        fields.addObject().put("type", "mrkdwn").put("text", "*" + label + "*\n" + escape(value == null ? "-" : value));
    }

    private static String evidenceSummary(Alert a) {
        return a.evidence().stream().map(SlackNotifier::brief).collect(Collectors.joining("; "));
    }

    private static String brief(Evidence e) {
        Object remote = e.fields().get("RemoteIp");
        Object indicator = e.fields().get("Indicator");
        Object port = e.fields().containsKey("Port") ? e.fields().get("Port") : e.fields().get("DestinationPort");
        StringBuilder sb = new StringBuilder(e.kind());
        if (remote != null) {
            sb.append(" remote ").append(remote);
        }
        if (port != null) {
            sb.append(" port ").append(port);
        }
        if (indicator != null) {
            sb.append(" indicator ").append(indicator);
        }
        return sb.toString();
    }

    /** Slack's three control characters in mrkdwn. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    @Override
    public void deliver(List<Alert> alerts) throws DeliveryException {
        HttpRequest req = HttpRequest.newBuilder(config.url()).timeout(config.timeout()).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(message(alerts), StandardCharsets.UTF_8)).build();
        HttpResponse<String> r = HttpSupport.send(http, req, name);
        if (r.statusCode() != 200) {
            String body = r.body() == null ? "" : r.body().strip();
            // Slack's error bodies are short codes such as invalid_payload or no_service: safe to show.
            throw HttpSupport.failure(name, r, body.matches("[a-z_]{1,40}") ? body : null);
        }
    }
}
