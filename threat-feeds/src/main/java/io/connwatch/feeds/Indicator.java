package io.connwatch.feeds;

import io.connwatch.net.IpPrefix;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One threat-intelligence indicator: an IP or CIDR with what is known of it, in the normal form
 * of Microsoft Sentinel's ThreatIntelligenceIndicator (ThreatSeverity 0..5, ConfidenceScore
 * 0..100, TrafficLightProtocolLevel) whatever feed it came from.
 *
 * @param prefix      the address or network
 * @param threatType  Azure's IndicatorThreatType vocabulary
 * @param severity    0..5, 5 most severe
 * @param confidence  0..100
 * @param tlp         sharing level
 * @param description what the feed says of it (may be null)
 * @param reference   a link to the feed's report (may be null)
 * @param firstSeen   when the feed first reported it (may be null)
 * @param lastSeen    when the feed last reported it (may be null)
 * @param active      false for indicators the feed marks revoked, offline or inactive
 * @param validUntil  after this the indicator no longer applies (may be null)
 * @param feed        the name of the feed it came from
 * @param port        the port the feed names with the address, if any
 * @param tags        the feed's tags (MISP tags, STIX labels), possibly empty
 */
public record Indicator(IpPrefix prefix, ThreatType threatType, int severity, int confidence, TlpLevel tlp,
                        String description, String reference, Instant firstSeen, Instant lastSeen, boolean active,
                        Instant validUntil, String feed, Integer port, List<String> tags) {
    public Indicator {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(threatType, "threatType");
        Objects.requireNonNull(tlp, "tlp");
        Objects.requireNonNull(feed, "feed");
        if (severity < 0 || severity > 5) {
            throw new IllegalArgumentException("severity " + severity + " is outside 0..5");
        }
        if (confidence < 0 || confidence > 100) {
            throw new IllegalArgumentException("confidence " + confidence + " is outside 0..100");
        }
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** True when the indicator is active and, at {@code now}, not past its valid-until time. */
    public boolean appliesAt(Instant now) {
        return active && (validUntil == null || now.isBefore(validUntil));
    }
}
