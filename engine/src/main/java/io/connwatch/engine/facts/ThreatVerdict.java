package io.connwatch.engine.facts;

import io.connwatch.feeds.Indicator;
import io.connwatch.feeds.ThreatMatch;
import io.connwatch.feeds.ThreatType;
import io.connwatch.feeds.TlpLevel;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The threat verdict on a connection's remote IP that rules act on: Azure's own (the record's
 * MaliciousIp columns) or connwatch's feeds', whichever is stronger: an active verdict beats an
 * inactive one, then the higher severity, then the higher confidence, and Azure's on a tie.
 *
 * @param source      {@code azure} or {@code feed}
 * @param threatType  the threat category (may be null for an Azure verdict without one)
 * @param severity    0..5
 * @param confidence  0..100, or null when unknown
 * @param tlp         sharing level (may be null)
 * @param description what the source says (may be null)
 * @param active      false for an inactive, revoked or expired indicator
 * @param feeds       the feeds listing the address (empty for Azure's verdict)
 * @param indicator   the matching address or network, e.g. {@code 192.0.2.0/24}
 * @param reference   a link to the source's report (may be null)
 * @param firstSeen   when the source first reported it (may be null)
 * @param lastSeen    when the source last reported it (may be null)
 */
public record ThreatVerdict(String source, ThreatType threatType, int severity, Integer confidence, TlpLevel tlp,
                            String description, boolean active, List<String> feeds, String indicator, String reference,
                            Instant firstSeen, Instant lastSeen) {
    public ThreatVerdict {
        feeds = List.copyOf(feeds);
    }

    static ThreatVerdict fromAzure(Connection c) {
        return new ThreatVerdict("azure", c.indicatorThreatType, c.severity == null ? 3 : c.severity, c.confidence, c.tlpLevel,
            c.description, c.isIndicatorActive(), List.of(), c.maliciousIp.toString(), c.reportReferenceLink,
            c.firstReportedDateTime, c.lastReportedDateTime);
    }

    static ThreatVerdict fromFeeds(ThreatMatch m, Instant at) {
        Indicator i = m.indicator();
        return new ThreatVerdict("feed", i.threatType(), i.severity(), i.confidence(), i.tlp(), i.description(), i.appliesAt(at),
            m.feeds(), i.prefix().toString(), i.reference(), i.firstSeen(), i.lastSeen());
    }

    /** The stronger of two verdicts, either of which may be null. */
    static ThreatVerdict stronger(ThreatVerdict azure, ThreatVerdict feed) {
        if (azure == null || feed == null) {
            return azure != null ? azure : feed;
        }
        if (azure.active != feed.active) {
            return azure.active ? azure : feed;
        }
        if (azure.severity != feed.severity) {
            return azure.severity > feed.severity ? azure : feed;
        }
        int ac = azure.confidence == null ? -1 : azure.confidence;
        int fc = feed.confidence == null ? -1 : feed.confidence;
        return fc > ac ? feed : azure;
    }

    /** The verdict as alert evidence. */
    public Map<String, Object> toColumns() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Source", source);
        m.put("Indicator", indicator);
        if (threatType != null) {
            m.put("ThreatType", threatType.azureName());
        }
        m.put("Severity", severity);
        if (confidence != null) {
            m.put("Confidence", confidence);
        }
        if (tlp != null) {
            m.put("TLPLevel", tlp.toString());
        }
        m.put("Active", active);
        if (!feeds.isEmpty()) {
            m.put("Feeds", feeds);
        }
        if (description != null) {
            m.put("Description", description);
        }
        if (reference != null) {
            m.put("ReportReferenceLink", reference);
        }
        if (firstSeen != null) {
            m.put("FirstSeen", firstSeen.toString());
        }
        if (lastSeen != null) {
            m.put("LastSeen", lastSeen.toString());
        }
        return m;
    }
}
