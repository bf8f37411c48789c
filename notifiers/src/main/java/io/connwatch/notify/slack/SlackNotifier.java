package io.connwatch.notify.slack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connwatch.alert.Alert;
import io.connwatch.alert.Evidence;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Notification.AlertStatus;
import io.connwatch.alert.Notification.NotifiedAlert;
import io.connwatch.alert.Severity;
import io.connwatch.notify.DeliveryException;
import io.connwatch.notify.EvidenceText;
import io.connwatch.notify.HttpSupport;
import io.connwatch.notify.MessageText;
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
import java.util.Locale;
import java.util.Optional;

/**
 * Slack incoming webhooks: one Block Kit message per notification (one alert group). A header
 * with the worst severity's icon, the counts and the group ({@code :red_circle: FIRING 3 (2 new) ·
 * 1 resolved — computer=web-01}; a resolved group in green), a line with the worst severity, the
 * group's labels and its acknowledgement, an "Acknowledge" button when the notification has a link,
 * then each alert as a compact section (severity, summary, rule, computer, process, since when)
 * with its evidence in words and its fingerprint; alerts beyond {@code max-alerts-per-message}
 * (and what Block Kit's 50 blocks hold) are counted in a last line with what was held back
 * ({@code and 84 more; 3 silenced, 1 inhibited}) instead of being split into several messages.
 * A plain-text fallback from the {@code slack-text} template goes with it. Every text is cut to
 * its Block Kit limit so Slack never refuses a message for its size, and the dispatcher keeps at
 * least {@code min-interval} (1 s) between messages, Slack's rate for a webhook. Slack's answers:
 * 200 {@code ok}; 400 {@code invalid_payload}, 403 and 404 {@code no_service} are permanent; 429
 * honours Retry-After; 5xx is retried. The webhook URL is a secret and appears in no message.
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
    /** Characters of a button's text. */
    static final int MAX_BUTTON_TEXT = 75;
    /** Characters of a button's URL. */
    static final int MAX_BUTTON_URL = 3000;
    /** Characters of the top-level fallback: Slack cuts at 40,000, but a longer one is unreadable. */
    static final int MAX_FALLBACK_TEXT = 4000;
    private static final int BLOCKS_PER_ALERT = 3;
    /** Blocks around the alerts: header, group line, acknowledge button, the line counting what is not shown. */
    private static final int FIXED_BLOCKS = 4;
    /** Alerts one message shows: three blocks (section, context, divider) per alert within 50 blocks, after the fixed ones. */
    public static final int ALERTS_PER_MESSAGE = (MAX_BLOCKS - FIXED_BLOCKS) / BLOCKS_PER_ALERT;
    private static final String ELLIPSIS = "\u2026";
    private static final String RESOLVED_ICON = ":large_green_circle:";

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
    public boolean sendResolved() {
        return config.sendResolved();
    }

    /** The minimum time between two messages to this webhook. */
    @Override
    public Duration minInterval() {
        return config.minInterval();
    }

    /** The Block Kit message, as sent. */
    @Override
    public Optional<String> preview(Notification n) {
        return Optional.of(message(n));
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

    /** Alerts a message shows: {@code max-alerts-per-message}, but no more than {@link #ALERTS_PER_MESSAGE}. */
    public int alertsShown() {
        return Math.max(1, Math.min(config.maxAlertsPerMessage(), ALERTS_PER_MESSAGE));
    }

    /** The Block Kit message for a notification, as sent, every text cut to its limit. */
    public String message(Notification n) {
        List<NotifiedAlert> all = n.alerts();
        List<NotifiedAlert> shown = all.subList(0, Math.min(all.size(), alertsShown()));
        boolean resolved = n.status() == AlertStatus.RESOLVED;
        boolean markNew = MessageText.marksNew(n);
        ObjectNode root = JSON.createObjectNode();
        String fallback = templates.render("slack-text", Templates.context(n, shown.size(), MAX_FALLBACK_TEXT)).strip();
        root.put("text", fit(escaped(fallback.isEmpty() ? MessageText.headline(n) : fallback, MAX_FALLBACK_TEXT), MAX_FALLBACK_TEXT));
        ArrayNode blocks = root.putArray("blocks");
        String group = MessageText.group(n);
        String header = (resolved ? RESOLVED_ICON : icon(n.worstSeverity())) + " " + MessageText.headline(n)
            + (group.isEmpty() ? "" : " \u2014 " + cut(group, MAX_HEADER_TEXT));
        blocks.addObject().put("type", "header").putObject("text").put("type", "plain_text").put("text", fit(header, MAX_HEADER_TEXT));
        context(blocks, groupLine(n, group));
        if (n.ackUrl() != null && n.ackUrl().length() <= MAX_BUTTON_URL) {
            ObjectNode button = blocks.addObject().put("type", "actions").putArray("elements").addObject();
            button.put("type", "button").put("action_id", "connwatch-acknowledge").put("url", n.ackUrl()).put("style", "primary");
            button.putObject("text").put("type", "plain_text").put("text", "Acknowledge");
        }
        for (NotifiedAlert na : shown) {
            Alert a = na.alert();
            boolean gone = na.status() == AlertStatus.RESOLVED;
            String lead = gone ? RESOLVED_ICON + " *RESOLVED* (" + a.severity().label().toUpperCase(Locale.ROOT) + ")"
                : icon(a.severity()) + " *" + a.severity().label().toUpperCase(Locale.ROOT) + "*" + (markNew && na.isNew() ? " _new_" : "");
            ObjectNode section = blocks.addObject();
            section.put("type", "section");
            section.putObject("text").put("type", "mrkdwn").put("text", fit(lead + " " + escaped(a.summary(), MAX_SECTION_TEXT),
                MAX_SECTION_TEXT));
            ArrayNode fields = section.putArray("fields");
            field(fields, "Rule", a.rule());
            field(fields, "Computer", a.computer() != null ? a.computer() : a.machine());
            field(fields, "Process", a.process() == null ? "-" : a.process());
            if (gone) {
                field(fields, "Resolved", na.endsAt() == null ? "-" : MessageText.time(na.endsAt()));
            } else {
                field(fields, "Since", MessageText.time(na.startsAt()) + (na.occurrences() > 1 ? " (" + na.occurrences() + " times)" : ""));
            }
            String attack = MessageText.attack(a);
            if (attack != null) {
                field(fields, "ATT&amp;CK", attack); // mrkdwn: & escaped
            }
            // The fingerprint is what a reader searches for: a long evidence summary is cut before it, not it.
            String fingerprint = " | fingerprint `" + a.fingerprint() + "`";
            String evidence = fit(escaped(evidenceSummary(a), MAX_TEXT_OBJECT), Math.max(1, MAX_TEXT_OBJECT - fingerprint.length()));
            context(blocks, evidence + fingerprint);
            blocks.addObject().put("type", "divider");
        }
        long more = all.size() - shown.size() + (long) n.counts().truncated();
        String heldBack = MessageText.heldBack(n.counts());
        if (more > 0 || !heldBack.isEmpty()) {
            context(blocks, more > 0 ? "and " + more + " more" + (heldBack.isEmpty() ? "" : "; " + heldBack)
                : heldBack + " since the last message");
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The line under the header: worst severity, the group's labels, a reminder, who acknowledged. */
    private static String groupLine(Notification n, String group) {
        StringBuilder sb = new StringBuilder();
        sb.append(n.status() == AlertStatus.RESOLVED ? "Resolved, was *" : "Worst severity *")
            .append(n.worstSeverity().label().toUpperCase(Locale.ROOT)).append('*');
        if (!group.isEmpty()) {
            sb.append(" \u00b7 ").append(escaped(group, MAX_TEXT_OBJECT));
        }
        if (n.repeat()) {
            sb.append(" \u00b7 reminder: nothing changed since the last message");
        }
        String ack = MessageText.acknowledged(n);
        if (!ack.isEmpty()) {
            sb.append(" \u00b7 ").append(escaped(ack, MAX_TEXT_OBJECT));
        }
        return sb.toString();
    }

    private static void context(ArrayNode blocks, String mrkdwn) {
        ObjectNode context = blocks.addObject();
        context.put("type", "context");
        context.putArray("elements").addObject().put("type", "mrkdwn").put("text", fit(mrkdwn, MAX_TEXT_OBJECT));
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
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

    /** Each piece of evidence in words ({@link EvidenceText}), separated by semicolons. */
    private static String evidenceSummary(Alert a) {
        StringBuilder sb = new StringBuilder();
        for (Evidence e : a.evidence()) {
            if (sb.length() > MAX_TEXT_OBJECT) {
                break; // the rest would be cut anyway
            }
            sb.append(sb.isEmpty() ? "" : "; ").append(EvidenceText.sentence(e, MAX_TEXT_OBJECT));
        }
        return sb.toString();
    }

    /** Slack's three control characters in mrkdwn. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Posts the notification's message. */
    @Override
    public void deliver(Notification n) throws DeliveryException {
        HttpRequest req = HttpRequest.newBuilder(config.url()).timeout(config.timeout()).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(message(n), StandardCharsets.UTF_8)).build();
        HttpResponse<String> r = HttpSupport.send(http, req, name);
        if (r.statusCode() != 200) {
            String body = r.body() == null ? "" : r.body().strip();
            // Slack's error bodies are short codes such as invalid_payload or no_service: safe to show.
            throw HttpSupport.failure(name, r, body.matches("[a-z_]{1,40}") ? body : null);
        }
    }
}
