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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Slack incoming webhooks: Block Kit messages (severity at a glance, key fields, evidence
 * summary) with a plain-text fallback, always within Block Kit's limits so Slack never refuses one
 * for its size. Several pending alerts go in one message (at most {@link #ALERTS_PER_MESSAGE}),
 * and the dispatcher keeps at least {@code min-interval} (1 s) between messages, Slack's rate for
 * a webhook. Slack's answers: 200 {@code ok}; 400 {@code invalid_payload}, 403 and 404
 * {@code no_service} are permanent; 429 honours Retry-After; 5xx is retried. The webhook URL is a
 * secret and appears in no message.
 */
public final class SlackNotifier implements Notifier {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Block Kit's limits: blocks in a message. */
    static final int MAX_BLOCKS = 50;
    /** Characters of a section's text. */
    static final int MAX_SECTION_TEXT = 3000;
    /** Characters of each section field's text. */
    static final int MAX_FIELD_TEXT = 2000;
    /** Characters of a header's text. */
    static final int MAX_HEADER_TEXT = 150;
    /** Characters of any other text object (our context elements). */
    static final int MAX_TEXT_OBJECT = 3000;
    /** Characters of the top-level fallback: Slack cuts at 40,000, but a longer one is unreadable. */
    static final int MAX_FALLBACK_TEXT = 4000;
    private static final int BLOCKS_PER_ALERT = 3;
    /** Alerts one message holds: a header and three blocks (section, context, divider) per alert within 50 blocks. */
    public static final int ALERTS_PER_MESSAGE = (MAX_BLOCKS - 1) / BLOCKS_PER_ALERT;
    private static final String ELLIPSIS = "\u2026";

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

    /**
     * {@code max-alerts-per-message}, but no more than one message holds: the dispatcher then
     * retries exactly the alerts of the message that failed.
     */
    @Override
    public int maxBatch() {
        return Math.min(config.maxAlertsPerMessage(), ALERTS_PER_MESSAGE);
    }

    /** The minimum time between two messages to this webhook. */
    @Override
    public Duration minInterval() {
        return config.minInterval();
    }

    /** The Block Kit messages, as sent, one JSON document a line. */
    @Override
    public Optional<String> preview(List<Alert> alerts) {
        return Optional.of(String.join("\n", messages(alerts)));
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

    /** The Block Kit messages for alerts, as sent: {@link #maxBatch()} alerts a message, every text cut to its limit. */
    public List<String> messages(List<Alert> alerts) {
        int per = maxBatch();
        int parts = Math.max(1, (alerts.size() + per - 1) / per);
        List<String> out = new ArrayList<>(parts);
        for (int part = 0; part < parts; part++) {
            out.add(message(alerts.subList(part * per, Math.min(alerts.size(), (part + 1) * per)), part + 1, parts));
        }
        return out;
    }

    private String message(List<Alert> alerts, int part, int parts) {
        ObjectNode root = JSON.createObjectNode();
        StringBuilder fallback = new StringBuilder();
        for (Alert a : alerts) {
            if (fallback.length() > MAX_FALLBACK_TEXT) {
                break;
            }
            fallback.append(fallback.isEmpty() ? "" : "\n").append(templates.render("slack-text", a).strip());
        }
        root.put("text", fit(fallback.toString(), MAX_FALLBACK_TEXT));
        ArrayNode blocks = root.putArray("blocks");
        if (alerts.size() > 1 || parts > 1) {
            String header = alerts.size() + " connwatch alerts" + (parts > 1 ? " (part " + part + " of " + parts + ")" : "");
            blocks.addObject().put("type", "header").putObject("text").put("type", "plain_text").put("text", fit(header, MAX_HEADER_TEXT));
        }
        for (Alert a : alerts) {
            ObjectNode section = blocks.addObject();
            section.put("type", "section");
            section.putObject("text").put("type", "mrkdwn").put("text", fit(icon(a.severity()) + " *"
                + a.severity().label().toUpperCase(java.util.Locale.ROOT) + "* " + escaped(a.summary(), MAX_SECTION_TEXT), MAX_SECTION_TEXT));
            ArrayNode fields = section.putArray("fields");
            field(fields, "Rule", a.rule());
            field(fields, "Computer", a.computer() != null ? a.computer() : a.machine());
            field(fields, "Process", a.process() == null ? "-" : a.process());
            field(fields, "Evidence at", a.evidenceTime().toString());
            ObjectNode context = blocks.addObject();
            context.put("type", "context");
            // The fingerprint is what a reader searches for: a long evidence summary is cut before it, not it.
            String fingerprint = " | fingerprint `" + a.fingerprint() + "`";
            String evidence = fit(escaped(evidenceSummary(a), MAX_TEXT_OBJECT), Math.max(1, MAX_TEXT_OBJECT - fingerprint.length()));
            context.putArray("elements").addObject().put("type", "mrkdwn").put("text", fit(evidence + fingerprint, MAX_TEXT_OBJECT));
            blocks.addObject().put("type", "divider");
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void field(ArrayNode fields, String label, String value) {
        fields.addObject().put("type", "mrkdwn").put("text", fit("*" + label + "*\n" + escaped(value == null ? "-" : value, MAX_FIELD_TEXT),
            MAX_FIELD_TEXT));
    }

    /**
     * A host's value escaped for mrkdwn, cut first to {@code limit} characters (escaping only
     * lengthens it, so whatever is cut could not have fitted): a 100,000-character value costs no
     * more than a short one.
     */
    private static String escaped(String value, int limit) {
        return escape(value.length() > limit ? value.substring(0, limit) : value);
    }

    /**
     * The text cut to at most {@code limit} characters, ending with an ellipsis when cut; never
     * in the middle of a surrogate pair or of an escape ({@code &amp;}, {@code &lt;}, {@code &gt;}).
     */
    static String fit(String text, int limit) {
        if (text.length() <= limit) {
            return text;
        }
        int cut = limit - ELLIPSIS.length();
        if (cut > 0 && Character.isLowSurrogate(text.charAt(cut)) && Character.isHighSurrogate(text.charAt(cut - 1))) {
            cut--;
        }
        int amp = text.lastIndexOf('&', cut - 1);
        if (amp >= 0 && cut - amp < "&amp;".length()) {
            int semi = text.indexOf(';', amp);
            if (semi < 0 || semi >= cut) {
                cut = amp;
            }
        }
        return text.substring(0, cut) + ELLIPSIS;
    }

    private static String evidenceSummary(Alert a) {
        StringBuilder sb = new StringBuilder();
        for (Evidence e : a.evidence()) {
            if (sb.length() > MAX_TEXT_OBJECT) {
                break; // the rest would be cut anyway
            }
            sb.append(sb.isEmpty() ? "" : "; ").append(brief(e));
        }
        return sb.toString();
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

    /**
     * Posts the alerts' messages in order. The dispatcher hands at most {@link #maxBatch()}
     * alerts, one message; a caller handing more gets several, and a failure part-way fails the
     * whole call (the messages before it were delivered).
     */
    @Override
    public void deliver(List<Alert> alerts) throws DeliveryException {
        for (String message : messages(alerts)) {
            HttpRequest req = HttpRequest.newBuilder(config.url()).timeout(config.timeout()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(message, StandardCharsets.UTF_8)).build();
            HttpResponse<String> r = HttpSupport.send(http, req, name);
            if (r.statusCode() != 200) {
                String body = r.body() == null ? "" : r.body().strip();
                // Slack's error bodies are short codes such as invalid_payload or no_service: safe to show.
                throw HttpSupport.failure(name, r, body.matches("[a-z_]{1,40}") ? body : null);
            }
        }
    }
}
