package io.connwatch.feeds;

import java.util.Objects;

/**
 * What a feed's indicators get for the fields the feed itself does not carry, from configuration.
 *
 * @param threatType  e.g. Botnet for Feodo Tracker, Darknet for Spamhaus DROP, Proxy for Tor exits
 * @param severity    0..5
 * @param confidence  0..100
 * @param tlp         sharing level
 * @param description a description for indicators that have none (may be null)
 */
public record FeedDefaults(ThreatType threatType, int severity, int confidence, TlpLevel tlp, String description) {
    public static final FeedDefaults GENERIC = new FeedDefaults(ThreatType.WATCHLIST, 3, 50, TlpLevel.WHITE, null);

    public FeedDefaults {
        Objects.requireNonNull(threatType, "threatType");
        Objects.requireNonNull(tlp, "tlp");
        if (severity < 0 || severity > 5) {
            throw new IllegalArgumentException("severity " + severity + " is outside 0..5");
        }
        if (confidence < 0 || confidence > 100) {
            throw new IllegalArgumentException("confidence " + confidence + " is outside 0..100");
        }
    }
}
