package io.connwatch.notify.teams;

import io.connwatch.config.Settings;
import io.connwatch.notify.HttpSupport;
import io.connwatch.notify.ReceiverConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * A Microsoft Teams receiver's settings, checked when read; the workflow URL (a secret: its
 * {@code sig} parameter signs the requests) appears in no {@link #toString()}.
 *
 * @param name                the receiver's name
 * @param url                 the URL of the workflow's "When a Teams webhook request is received" trigger (secret)
 * @param maxAlertsPerMessage alerts of a group shown in its card, the others counted in its last line
 * @param maxMessageBytes     the most bytes a message may have: Teams refuses messages over about 28 KB
 * @param minInterval         at least this long between messages
 * @param timeout             request timeout
 * @param sendResolved        whether resolved notifications are posted ({@code send-resolved}, off by default as for Slack)
 */
public record TeamsConfig(String name, URI url, int maxAlertsPerMessage, int maxMessageBytes, Duration minInterval, Duration timeout,
                          boolean sendResolved) implements ReceiverConfig {
    public static final String TYPE = "teams";
    public static final int DEFAULT_MAX_ALERTS_PER_MESSAGE = 10;
    /** Teams' limit is about 28 KB for the whole message; the margin covers what the workflow adds around the card. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 27_000;
    /** The largest {@code max-message-bytes} accepted: 28 KB. */
    public static final int MAX_MESSAGE_BYTES = 28 * 1024;
    /** Off, as for Slack: in a channel people read, "it stopped" messages bury the ones that need a person. */
    public static final boolean DEFAULT_SEND_RESOLVED = false;
    /** A message a second keeps a busy group from running into the workflow's throttling. */
    public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final Set<String> KEYS = Set.of("type", "name", "url", "url-file", "max-alerts-per-message", "max-message-bytes",
        "min-interval", "timeout", SEND_RESOLVED);

    @Override
    public String type() {
        return TYPE;
    }

    /** Reads a Teams receiver's settings; null when they have problems (each added to the settings). */
    public static TeamsConfig read(String name, Settings s) {
        int before = s.problemCount();
        s.only(KEYS);
        URI uri = HttpSupport.url(s);
        TeamsConfig c = new TeamsConfig(name, uri, s.integer("max-alerts-per-message", DEFAULT_MAX_ALERTS_PER_MESSAGE, 1, 100),
            s.integer("max-message-bytes", DEFAULT_MAX_MESSAGE_BYTES, 4_000, MAX_MESSAGE_BYTES), s.duration("min-interval",
            DEFAULT_MIN_INTERVAL), s.duration("timeout", DEFAULT_TIMEOUT), s.bool(SEND_RESOLVED, DEFAULT_SEND_RESOLVED));
        return uri == null || s.problemCount() > before ? null : c;
    }

    @Override
    public String toString() {
        return "TeamsConfig[" + name + ", max " + maxAlertsPerMessage + " per message, " + maxMessageBytes + " bytes, send-resolved="
            + sendResolved + "]";
    }
}
