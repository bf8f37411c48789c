package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.alert.Alert;
import io.connwatch.alert.Severity;
import io.connwatch.feeds.Indicator;
import io.connwatch.feeds.ThreatType;
import io.connwatch.feeds.TlpLevel;
import io.connwatch.net.IpPrefix;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Enrichment from connwatch's own feeds and retro-matching, through the shipped rules. */
class ThreatIntelRuleTest {
    private static final String OUT = "malicious-remote-ip-outbound";
    private RuleHarness h;

    @BeforeEach
    void start() throws Exception {
        h = RuleHarness.shipped();
    }

    @AfterEach
    void stop() {
        h.close();
    }

    static Indicator indicator(String cidr, String feed, int severity, int confidence, Instant validUntil) {
        return new Indicator(IpPrefix.parse(cidr), ThreatType.C2, severity, confidence, TlpLevel.WHITE, "Pikabot C2", "https://x/" + feed,
            null, null, true, validUntil, feed, null, List.of());
    }

    @Test
    void aFeedAloneMakesTheRuleFireWithProvenance() {
        h.intel(List.of(indicator("192.9.135.73", "feodo", 4, 90, null), indicator("192.9.135.0/24", "spamhaus", 2, 50, null)), List.of());
        h.feed(Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationIp", "192.9.135.73"),
            Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationIp", "192.9.136.1")).drain();
        assertEquals(1, h.alerts().size(), h.alerts().toString());
        Alert a = h.alerts(OUT).get(0);
        assertEquals(Severity.HIGH, a.severity());
        assertEquals("feed", a.labels().get("threat_source"));
        assertTrue(a.summary().contains("known C2 (feodo, spamhaus) 192.9.135.73:443"), a.summary());
        assertEquals("192.9.135.73/32", a.evidence().get(1).fields().get("Indicator"));
        assertEquals(List.of("feodo", "spamhaus"), a.evidence().get(1).fields().get("Feeds"));
    }

    @Test
    void theStrongerOfAzureAndTheFeedsWins() {
        h.intel(List.of(indicator("192.9.135.73", "feodo", 5, 90, null), indicator("198.51.100.9", "weak", 1, 10, null)), List.of());
        h.feed(Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationIp", "192.9.135.73").malicious("C2", 2, 90),
            Rows.connection("2024-05-01T10:00:00Z", "m-2").set("DestinationIp", "198.51.100.9").malicious("Botnet", 4, 80)).drain();
        Alert fromFeed = h.alerts(OUT).stream().filter(a -> a.machine().equals("m-1")).findFirst().orElseThrow();
        assertEquals(Severity.CRITICAL, fromFeed.severity());
        assertEquals("feed", fromFeed.labels().get("threat_source"));
        Alert fromAzure = h.alerts(OUT).stream().filter(a -> a.machine().equals("m-2")).findFirst().orElseThrow();
        assertEquals(Severity.HIGH, fromAzure.severity());
        assertEquals("azure", fromAzure.labels().get("threat_source"));
    }

    @Test
    void anActiveFeedVerdictOverridesAnInactiveAzureOneButAnExpiredIndicatorDoesNot() {
        h.intel(List.of(indicator("192.9.135.73", "feodo", 3, 90, null),
            indicator("203.0.113.7", "old", 5, 90, Instant.parse("2024-01-01T00:00:00Z"))), List.of());
        h.feed(Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationIp", "192.9.135.73").malicious("C2", 5, 90)
                .set("IsActive", "False"),
            Rows.connection("2024-05-01T10:00:00Z", "m-2").set("DestinationIp", "203.0.113.7")).drain();
        assertEquals(1, h.alerts().size(), h.alerts().toString());
        assertEquals("m-1", h.alerts().get(0).machine());
        assertEquals(Severity.MEDIUM, h.alerts().get(0).severity());
    }

    @Test
    void allowlistedAddressesNeverAlertWhateverTheSource() {
        h.intel(List.of(indicator("20.42.0.0/16", "noisy", 5, 100, null)), List.of(IpPrefix.parse("20.0.0.0/8")));
        h.feed(Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationIp", "20.42.73.21"),
            Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationIp", "20.42.73.22").malicious("C2", 5, 100)).drain();
        assertEquals(List.of(), h.alerts());
    }

    @Test
    void aRefreshThatAddsAnAddressRaisesLateDetectionsForRecentConnectionsOnly() {
        h.feed(Rows.connection("2024-05-01T02:00:00Z", "m-1").set("DestinationIp", "45.77.1.9")); // 8 h before: outside the 6 h window
        h.feed(Rows.connection("2024-05-01T09:00:00Z", "m-2").set("DestinationIp", "45.77.1.9").set("ProcessName", "python3"),
            Rows.connection("2024-05-01T09:05:00Z", "m-2").set("DestinationIp", "45.77.1.9").set("ProcessName", "python3"),
            Rows.connection("2024-05-01T09:10:00Z", "m-3").set("Direction", "inbound").set("SourceIp", "45.77.1.9")
                .set("DestinationIp", "10.0.0.4").set("DestinationPort", 22).set("ProcessName", "sshd"),
            Rows.connection("2024-05-01T09:20:00Z", "m-4").set("DestinationIp", "45.77.1.10"));
        h.feed(Rows.connection("2024-05-01T10:00:00Z", "m-5"));
        assertEquals(List.of(), h.alerts());

        Indicator added = indicator("45.77.1.9", "feodo", 4, 90, null);
        int judged = h.refresh(List.of(added), List.of(added));
        assertEquals(2, judged, "the latest m-2 row and the m-3 row; the m-1 row is older than the window");
        List<Alert> late = h.alerts();
        assertEquals(2, late.size(), late.toString());
        Alert out = h.alerts(OUT).get(0);
        assertEquals("m-2", out.machine());
        assertEquals("true", out.labels().get("late_detection"));
        assertEquals(Instant.parse("2024-05-01T09:05:00Z"), out.evidenceTime(), "the original connection time");
        assertTrue(out.summary().startsWith("Late detection: Outbound connection from python3"), out.summary());
        Alert in = h.alerts("malicious-remote-ip-inbound").get(0);
        assertEquals("m-3", in.machine());

        assertEquals(0, h.refresh(List.of(added), List.of()), "nothing added: nothing judged again");
        // a row arriving now from 20 minutes after the late one is in the same episode: no second alert
        h.feed(Rows.connection("2024-05-01T09:25:00Z", "m-2").set("DestinationIp", "45.77.1.9").set("ProcessName", "python3")).drain();
        assertEquals(2, h.alerts().size(), h.alerts().toString());
    }

    @Test
    void connectionsThatAlreadyHadAVerdictAreNotJudgedAgain() {
        h.feed(Rows.connection("2024-05-01T09:00:00Z", "m-1").set("DestinationIp", "45.77.1.9").malicious("C2", 4, 90));
        assertEquals(1, h.alerts().size());
        Indicator added = indicator("45.77.1.9", "feodo", 4, 90, null);
        assertEquals(0, h.refresh(List.of(added), List.of(added)));
        assertEquals(1, h.alerts().size());
    }
}
