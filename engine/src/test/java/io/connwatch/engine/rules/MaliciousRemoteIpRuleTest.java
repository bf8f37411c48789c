package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.alert.Alert;
import io.connwatch.alert.Severity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaliciousRemoteIpRuleTest {
    private static final String OUT = "malicious-remote-ip-outbound";
    private static final String IN = "malicious-remote-ip-inbound";
    private RuleHarness h;

    @BeforeEach
    void start() throws Exception {
        h = RuleHarness.shipped();
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void outboundConnectionToKnownC2RaisesOneAlertWithEvidence() {
        h.feed(Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationIp", "45.77.1.9").malicious("C2", 5, 90)).drain();

        assertEquals(1, h.alerts().size(), h.alerts().toString());
        Alert a = h.alerts(OUT).get(0);
        assertEquals(Severity.CRITICAL, a.severity());
        assertEquals("m-1", a.machine());
        assertEquals("m-1.contoso.com", a.computer());
        assertEquals("curl", a.process());
        assertEquals("outbound", a.labels().get("direction"));
        assertEquals("C2", a.labels().get("threat_type"));
        assertEquals("2024-05-01T10:00:00Z", a.evidenceTime().toString());
        assertEquals("45.77.1.9", a.evidence().get(0).fields().get("MaliciousIp"));
        assertTrue(a.summary().contains("45.77.1.9:443"), a.summary());
    }

    @Test
    void beaconingEveryMinuteIsOneEpisodeAndOneAlert() {
        for (int minute = 0; minute < 20; minute++) {
            h.feed(Rows.connection(String.format("2024-05-01T10:%02d:00Z", minute), "m-1").set("DestinationIp", "45.77.1.9")
                .malicious("C2", 4, 80));
        }
        h.drain();
        assertEquals(1, h.alerts(OUT).size());
    }

    @Test
    void aNewEpisodeAfterTheGapAlertsAgainAndOtherProcessesAndIpsAreSeparate() {
        h.feed(Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationIp", "45.77.1.9").malicious("C2", 4, 80));
        // same process and IP, 45 minutes later: past the 30-minute episode gap
        h.feed(Rows.connection("2024-05-01T10:45:00Z", "m-1").set("DestinationIp", "45.77.1.9").malicious("C2", 4, 80));
        // another process, and another IP, in the first episode's time
        h.feed(Rows.connection("2024-05-01T10:46:00Z", "m-1").set("Process", "p-99").set("ProcessName", "wget")
                .set("DestinationIp", "45.77.1.9").malicious("C2", 4, 80),
            Rows.connection("2024-05-01T10:46:00Z", "m-1").set("DestinationIp", "45.77.1.10").malicious("C2", 4, 80));
        h.drain();
        assertEquals(4, h.alerts(OUT).size(), h.alerts().toString());
    }

    @Test
    void inactiveIndicatorsAndCleanConnectionsDoNotAlert() {
        h.feed(Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationIp", "45.77.1.9").malicious("C2", 5, 90)
                .set("IsActive", "False"),
            Rows.connection("2024-05-01T10:00:00Z", "m-1"),
            Rows.connection("2024-05-01T10:00:00Z", "m-2").set("Direction", "inbound").set("SourceIp", "203.0.113.5")
                .set("DestinationIp", "10.0.0.4")).drain();
        assertEquals(0, h.alerts().size(), h.alerts().toString());
    }

    @Test
    void inboundIsToldApartAndRatedOneLevelLower() {
        h.feed(Rows.connection("2024-05-01T10:00:00Z", "m-1").set("Direction", "inbound").set("SourceIp", "198.51.100.7")
            .set("DestinationIp", "10.0.0.4").set("DestinationPort", 22).set("ProcessName", "sshd")
            .malicious("Botnet", 4, 90)).drain();
        assertEquals(0, h.alerts(OUT).size());
        Alert a = h.alerts(IN).get(0);
        assertEquals(Severity.MEDIUM, a.severity());
        assertEquals("inbound", a.labels().get("direction"));
        assertEquals("198.51.100.7", a.labels().get("remote_ip"));
    }

    @Test
    void outboundAttemptsThatAllFailedAreOneLevelLowerAndASeparateEpisodeFromEstablished() {
        h.feed(Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationIp", "45.77.1.9").malicious("C2", 4, 90)
            .set("LinksEstablished", 0).set("LinksTerminated", 0).set("LinksFailed", 3));
        h.feed(Rows.connection("2024-05-01T10:01:00Z", "m-1").set("DestinationIp", "45.77.1.9").malicious("C2", 4, 90));
        h.drain();
        assertEquals(2, h.alerts(OUT).size());
        assertEquals(Severity.MEDIUM, h.alerts(OUT).get(0).severity());
        assertEquals("failed", h.alerts(OUT).get(0).labels().get("outcome"));
        assertEquals(Severity.HIGH, h.alerts(OUT).get(1).severity());
    }

    @ParameterizedTest(name = "indicator severity {0}, confidence {1} -> {2}")
    @CsvSource({
        "5, 100, CRITICAL", "5, 70, CRITICAL", "5, 69, HIGH", "5, 39, MEDIUM",
        "4, 90, HIGH", "3, 90, MEDIUM", "2, 90, LOW", "1, 90, INFO", "0, 90, INFO", "2, 10, INFO"})
    void severityFollowsTheDocumentedTable(int indicatorSeverity, int confidence, Severity expected) {
        h.feed(Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationIp", "45.77.1.9")
            .malicious("Malware", indicatorSeverity, confidence)).drain();
        assertEquals(expected, h.alerts(OUT).get(0).severity());
    }

    @Test
    void aRowMuchLaterThanTheWatermarkStillAlerts() {
        h.feed(Rows.connection("2024-05-01T12:00:00Z", "m-2"));
        h.feed(Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationIp", "45.77.1.9").malicious("C2", 4, 90));
        h.drain();
        assertEquals(1, h.alerts(OUT).size());
    }
}
