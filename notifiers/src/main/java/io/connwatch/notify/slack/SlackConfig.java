package io.connwatch.notify.slack;

import io.connwatch.config.Settings;
import io.connwatch.notify.HttpSupport;
import io.connwatch.notify.ReceiverConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * A Slack receiver's settings, checked when read; the webhook URL (a secret) appears in no
 * {@link #toString()}.
 *
 * @param name                the receiver's name
 * @param url                 the incoming-webhook URL (secret)
 * @param maxAlertsPerMessage alerts of a group shown in its message (at most {@link SlackNotifier#ALERTS_PER_MESSAGE},
 *                            what Block Kit's 50 blocks hold); the others are counted in its last line
 * @param minInterval         at least this long between messages
 * @param timeout             request timeout
 * @param sendResolved        whether resolved notifications are posted ({@code send-resolved}, off by default)
 */
public record SlackConfig(String name, URI url, int maxAlertsPerMessage, Duration minInterval, Duration timeout, boolean sendResolved)
    implements ReceiverConfig {
    public static final String TYPE = "slack";
    public static final int DEFAULT_MAX_ALERTS_PER_MESSAGE = 10;
    /** Off, as Alertmanager's Slack: "it stopped" messages bury the ones that need a person. */
    public static final boolean DEFAULT_SEND_RESOLVED = false;
    /** Slack's rate for one incoming webhook. */
    public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final Set<String> KEYS = Set.of("type", "name", "url", "url-file", "max-alerts-per-message", "min-interval", "timeout",
        SEND_RESOLVED);

    @Override
    public String type() {
        return TYPE;
    }

    /** Reads a Slack receiver's settings; null when they have problems (each added to the settings). */
    public static SlackConfig read(String name, Settings s) {
        s.only(KEYS);
        URI uri = HttpSupport.url(s);
        SlackConfig c = new SlackConfig(name, uri, s.integer("max-alerts-per-message", DEFAULT_MAX_ALERTS_PER_MESSAGE, 1, 40),
            s.duration("min-interval", DEFAULT_MIN_INTERVAL), s.duration("timeout", DEFAULT_TIMEOUT),
            s.bool(SEND_RESOLVED, DEFAULT_SEND_RESOLVED));
        return uri == null ? null : c;
    }

    @Override
    public String toString() {
        return "SlackConfig[" + name + ", max " + maxAlertsPerMessage + " per message, send-resolved=" + sendResolved + "]";
    }
}
