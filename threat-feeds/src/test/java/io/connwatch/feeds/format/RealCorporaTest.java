package io.connwatch.feeds.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.feeds.FeedDefaults;
import io.connwatch.feeds.Indicator;
import io.connwatch.feeds.ThreatType;
import io.connwatch.feeds.TlpLevel;
import io.connwatch.net.IpPrefix;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each format against the real third-party files in src/test/resources/feeds (copied from shared/corpora). */
class RealCorporaTest {
    static final FeedDefaults DEFAULTS = new FeedDefaults(ThreatType.MALWARE, 3, 60, TlpLevel.GREEN, null);

    static FeedParse parse(String format, String file) throws IOException {
        try (Reader r = new InputStreamReader(RealCorporaTest.class.getResourceAsStream("/feeds/" + file), StandardCharsets.UTF_8)) {
            return FeedFormats.byName(format, Map.of()).parse(file, r, DEFAULTS);
        }
    }

    @Test
    void feodoTrackerCsvHoldsItsTwentyEightC2s() throws IOException {
        FeedParse p = parse("feodo-csv", "feodo-ipblocklist.csv");
        assertEquals(List.of(), p.problems());
        assertEquals(28, p.indicators().size());
        Indicator first = p.indicators().get(0);
        assertEquals(IpPrefix.parse("192.9.135.73"), first.prefix());
        assertEquals(1194, first.port());
        assertEquals(Instant.parse("2023-05-23T17:51:44Z"), first.firstSeen());
        assertEquals(Instant.parse("2024-04-01T00:00:00Z"), first.lastSeen());
        assertEquals(List.of("malware:Pikabot", "c2_status:online"), first.tags());
        assertEquals("Pikabot botnet C2 server (online), abuse.ch Feodo Tracker", first.description());
        assertTrue(first.active());
    }

    @Test
    void feodoTrackerCsvWithItsTrailerCountWrongIsReportedAsTruncated() throws IOException {
        String text;
        try (var in = RealCorporaTest.class.getResourceAsStream("/feeds/feodo-ipblocklist.csv")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String cut = text.substring(0, text.indexOf("\"2024-03-26 23:30:11\"")) + "# END 28 entries\n";
        FeedParse p = new FeodoCsvFormat().parse("feodo", new java.io.StringReader(cut), DEFAULTS);
        assertEquals(24, p.indicators().size());
        assertEquals("feodo: trailer: the file says 28 entries but holds 24: truncated or altered", p.problems().get(0).message());
    }

    @Test
    void spamhausDropHoldsItsNetworksWithSblLinks() throws IOException {
        FeedParse p = parse("spamhaus-drop", "spamhaus-drop.txt");
        assertEquals(List.of(), p.problems());
        assertEquals(936, p.indicators().size());
        Indicator first = p.indicators().get(0);
        assertEquals(IpPrefix.parse("1.10.16.0/20"), first.prefix());
        assertEquals("https://check.spamhaus.org/sbl/query/SBL256894", first.reference());
        assertEquals(List.of("SBL256894"), first.tags());
        assertTrue(p.indicators().stream().allMatch(i -> i.prefix().isIpv4() && !i.prefix().isHost()));
    }

    @Test
    void stixApt1YieldsItsFourNetworksAndCountsTheOtherIndicatorKinds() throws IOException {
        FeedParse p = parse("stix21", "stix21-apt1.json");
        assertEquals(List.of(), p.problems());
        assertEquals(4, p.indicators().size());
        assertEquals(List.of("223.166.0.0/15", "58.246.0.0/15", "112.64.0.0/15", "139.226.0.0/15"),
            p.indicators().stream().map(i -> i.prefix().toString()).toList());
        assertEquals(Map.of("domain-name", 3, "file", 3, "x509-certificate", 2), p.skipped());
    }

    @Test
    void stixSingleC2Indicator() throws IOException {
        FeedParse p = parse("stix21", "stix21-indicator-c2-ip.json");
        assertEquals(1, p.indicators().size());
        Indicator i = p.indicators().get(0);
        assertEquals(IpPrefix.parse("10.0.0.0/32"), i.prefix());
        assertEquals("IP Address for known C2 channel: Test description C2 channel.", i.description());
        assertEquals(ThreatType.MALWARE, i.threatType(), "indicator_types malicious-activity");
        assertEquals(Instant.parse("2014-05-08T09:00:00Z"), i.firstSeen());
    }

    @Test
    void mispFallchillEventYieldsEveryIdsAddressAttributeIncludingObjects() throws IOException {
        FeedParse p = parse("misp-event", "misp-event-fallchill.json");
        assertEquals(List.of(), p.problems());
        assertEquals(87 + 3 + 3, p.indicators().size());
        assertEquals(3, p.indicators().stream().filter(i -> i.port() != null).count(), "ip-dst|port");
        Indicator withPort = p.indicators().stream().filter(i -> i.port() != null).findFirst().orElseThrow();
        assertEquals(443, withPort.port());
        Indicator any = p.indicators().get(0);
        assertEquals(1, any.severity(), "the event has threat_level_id 3 (low)");
        assertEquals(TlpLevel.WHITE, any.tlp(), "from the event's tlp:white tag");
        assertTrue(any.tags().contains("misp-galaxy:rat=\"FALLCHILL\""), any.tags().toString());
        assertTrue(any.description().startsWith("OSINT - HIDDEN COBRA"), any.description());
        assertEquals(Map.ofEntries(Map.entry("attachment", 1), Map.entry("comment", 1), Map.entry("filename", 2),
            Map.entry("float", 2), Map.entry("link", 3), Map.entry("md5", 16), Map.entry("port", 3), Map.entry("sha1", 2),
            Map.entry("sha256", 2), Map.entry("size-in-bytes", 1), Map.entry("ssdeep", 2)), p.skipped());
    }

    @Test
    void mispWarninglistsLoadAsAllowlists() throws IOException {
        FeedParse rfc1918 = parse("misp-warninglist", "misp-warninglist-rfc1918.json");
        assertEquals(List.of(IpPrefix.parse("10.0.0.0/8"), IpPrefix.parse("172.16.0.0/12"), IpPrefix.parse("192.168.0.0/16")),
            rfc1918.allowlist());
        assertEquals(0, rfc1918.indicators().size());
        FeedParse azure = parse("misp-warninglist", "misp-warninglist-microsoft-azure.json");
        assertEquals(List.of(), azure.problems());
        assertEquals(2683, azure.allowlist().size());
        assertEquals(1011, azure.allowlist().stream().filter(x -> !x.isIpv4()).count());
    }
}
