package io.connwatch.feeds.format;

import io.connwatch.feeds.FeedDefaults;
import io.connwatch.feeds.Indicator;
import io.connwatch.feeds.ThreatType;
import io.connwatch.feeds.TlpLevel;
import io.connwatch.net.IpPrefix;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What MISP's event JSON and CSV exports share: attribute types, threat levels, tags. */
final class MispAttributes {
    private MispAttributes() {
    }

    /**
     * MISP threat_level_id to severity: 1 High -> 5, 2 Medium -> 3, 3 Low -> 1, 4 Undefined (or
     * absent) -> the feed's default.
     */
    static int severity(String threatLevelId, int fallback) {
        return switch (threatLevelId == null ? "" : threatLevelId.trim()) {
            case "1" -> 5;
            case "2" -> 3;
            case "3" -> 1;
            default -> fallback;
        };
    }

    /** The TLP among tags ({@code tlp:amber}), or the fallback. */
    static TlpLevel tlp(List<String> tags, TlpLevel fallback) {
        for (String t : tags) {
            if (t.toLowerCase(Locale.ROOT).startsWith("tlp:")) {
                try {
                    return TlpLevel.parse(t);
                } catch (IllegalArgumentException e) {
                    // e.g. tlp:ex:chr: not one of the four
                }
            }
        }
        return fallback;
    }

    /** The threat type implied by an attribute's comment or category, or the fallback. */
    static ThreatType threatType(String comment, String category, ThreatType fallback) {
        String c = ((comment == null ? "" : comment) + " " + (category == null ? "" : category)).toLowerCase(Locale.ROOT);
        if (c.contains("c2") || c.contains("c&c") || c.contains("command and control")) {
            return ThreatType.C2;
        }
        if (c.contains("botnet")) {
            return ThreatType.BOTNET;
        }
        if (c.contains("phish")) {
            return ThreatType.PHISHING;
        }
        return fallback;
    }

    /**
     * Adds the indicator of an attribute, when its type is an address one, or counts it skipped.
     *
     * @return true when the type was an address type
     */
    static void attribute(String feed, String where, String type, String value, boolean toIds, String comment, String category,
                          Instant seen, String eventInfo, int severity, List<String> tags, FeedDefaults d, FeedParse out) {
        String t = type == null ? "" : type;
        boolean withPort = t.equals("ip-dst|port") || t.equals("ip-src|port");
        if (!t.equals("ip-dst") && !t.equals("ip-src") && !withPort) {
            out.skip(t.isEmpty() ? "attribute without type" : t);
            return;
        }
        if (!toIds) {
            out.skip(t + " with to_ids false");
            return;
        }
        String address = value == null ? "" : value.trim();
        Integer port = null;
        if (withPort) {
            int bar = address.lastIndexOf('|');
            if (bar < 0) {
                out.problem(new FeedProblem(feed, where, t + " value without '|port': '" + Lines.abbreviate(address) + "'"));
                return;
            }
            try {
                port = FeedValues.bounded(address.substring(bar + 1), 0, 65535);
            } catch (IllegalArgumentException e) {
                out.problem(new FeedProblem(feed, where, "port: " + e.getMessage()));
                return;
            }
            address = address.substring(0, bar);
        }
        IpPrefix p = IpPrefix.tryParse(address);
        if (p == null) {
            out.problem(new FeedProblem(feed, where, "not an IP address or CIDR: '" + Lines.abbreviate(address) + "'"));
            return;
        }
        String description = eventInfo == null ? d.description() : eventInfo;
        if (comment != null && !comment.isBlank()) {
            description = description == null ? comment : description + " (" + comment + ")";
        }
        List<String> all = new ArrayList<>(tags);
        out.add(new Indicator(p, threatType(comment, category, d.threatType()), severity, d.confidence(), tlp(all, d.tlp()),
            description, null, null, seen, true, null, feed, port, all));
    }
}
