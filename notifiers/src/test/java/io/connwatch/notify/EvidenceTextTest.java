package io.connwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.connwatch.alert.Evidence;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each evidence kind the engine and the shipped rules produce, told in words (table test). */
class EvidenceTextTest {
    private static final Instant T = Instant.parse("2026-01-05T14:03:00Z");

    private static Evidence of(String kind, Object... keysAndValues) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("TimeGenerated", "2026-01-05T14:03:00Z");
        fields.put("Computer", "web-01.contoso.com");
        fields.put("Machine", "m-01");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            fields.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return new Evidence(kind, T, fields);
    }

    @Test
    void everyKindTheRulesProduceIsToldInWords() {
        Map<Evidence, String> expected = new LinkedHashMap<>();
        expected.put(of("VMConnection", "ProcessName", "python3", "Direction", "outbound", "DestinationPort", 1194, "LinksEstablished", 2L,
            "LinksFailed", 0L, "RemoteIp", "192.9.135.73", "RemoteCountry", "US", "BytesSent", 12_345L, "BytesReceived", 999L,
            "MaliciousIp", "192.9.135.73", "IndicatorThreatType", "Botnet"),
            "Outbound connection: remote 192.9.135.73, port 1194, process python3, country US, established 2, failed 0, sent 12.3 KB, "
                + "received 999 B, threat Botnet");
        expected.put(of("VMConnection", "Direction", "inbound", "RemoteIp", "10.0.0.9", "DestinationPort", 22),
            "Inbound connection: remote 10.0.0.9, port 22");
        expected.put(of("VMBoundPort", "ProcessName", "node", "Ip", "0.0.0.0", "Port", 8080, "Protocol", "tcp", "IsWildcardBind", true),
            "Listening on every interface: address 0.0.0.0, port 8080, process node, protocol tcp");
        expected.put(of("VMBoundPort", "Process", "p-1a", "Ip", "127.0.0.1", "Port", 5432, "IsWildcardBind", false),
            "Listening port: address 127.0.0.1, port 5432, process p-1a");
        expected.put(new Evidence("ThreatIntel", T, Map.of("Source", "feed", "Indicator", "192.9.135.73/32", "ThreatType", "C2",
            "Feeds", List.of("feodo", "misp"), "Confidence", 80, "Active", true)),
            "Threat intelligence match: indicator 192.9.135.73/32, threat C2, feeds feodo, misp, source feed, confidence 80, active yes");
        expected.put(of("MachineMinute", "Rows", 40L, "LinksEstablished", 12L, "LinksFailed", 120L, "BytesSent", 2_500_000L,
            "BytesReceived", 10L, "AdminTargets", 0),
            "Machine traffic in one minute: rows 40, established 12, failed 120, sent 2.5 MB, received 10 B, admin-port targets 0");
        expected.put(of("ProcessMinute", "Process", "p-1", "ProcessName", "nmap", "DistinctRemotes", 300, "DistinctPorts", 2,
            "FailedRows", 250L),
            "Process traffic in one minute: process nmap, remote IPs 300, ports 2, failed rows 250");
        expected.put(of("FanOutMinute", "Process", "p-1", "DistinctRemotes", 30, "DistinctPorts", 40, "FailedRows", 5L, "OutboundRows", 60L),
            "Outbound fan-out in one minute: process p-1, remote IPs 30, ports 40, failed rows 5, outbound rows 60");
        expected.put(of("AdminMinute", "Targets", List.of("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6", "10.0.0.7")),
            "Administrative-port connections in one minute: internal hosts 10.0.0.1, 10.0.0.2, 10.0.0.3, 10.0.0.4, 10.0.0.5 and 2 more");
        expected.put(new Evidence("FailureWindow", T, Map.of("FailedInWindow", 120L, "BaselineFailedPerWindow", 4.2, "Window", "PT5M")),
            "Failed connections: failed 120, usual 4.2, window 5 min");
        expected.put(new Evidence("FailureRatio", T, Map.of("Failed", 50L, "Established", 30L, "PercentFailed", 62.5, "Window", "PT1H30M")),
            "Connection failure ratio: failed 62.5%, failed links 50, established 30, window 1 h 30 min");
        expected.put(new Evidence("FanOut", T, Map.of("DistinctRemotes", 40, "DistinctPorts", 12, "FailedRows", 30L, "OutboundRows", 45L,
            "Window", "PT10M")), "Fan-out to many remotes: remote IPs 40, ports 12, failed rows 30, outbound rows 45, window 10 min");
        expected.put(new Evidence("AdminFanOut", T, Map.of("DistinctInternalTargets", 6, "Window", "PT10M")),
            "Administrative-port fan-out: internal hosts 6, window 10 min");
        // window rules name their top remotes since they have them; evidence from before still reads as above
        List<String> top = List.of("10.1.0.7:445 (120 failed)", "93.184.216.34:443 (5 failed)");
        expected.put(new Evidence("FailureWindow", T, Map.of("FailedInWindow", 125L, "BaselineFailedPerWindow", 4.2, "Window", "PT5M",
            "TopRemotes", top)),
            "Failed connections: failed 125, usual 4.2, window 5 min, top remotes 10.1.0.7:445 (120 failed), 93.184.216.34:443 (5 failed)");
        expected.put(new Evidence("FailureRatio", T, Map.of("Failed", 125L, "Established", 30L, "PercentFailed", 80.6, "Window", "PT10M",
            "TopRemotes", top)), "Connection failure ratio: failed 80.6%, failed links 125, established 30, window 10 min, "
                + "top remotes 10.1.0.7:445 (120 failed), 93.184.216.34:443 (5 failed)");
        expected.put(new Evidence("FanOut", T, Map.of("DistinctRemotes", 40, "DistinctPorts", 1, "FailedRows", 40L, "OutboundRows", 40L,
            "Window", "PT5M", "TopRemotes", List.of("203.0.113.1:445 (at least 1 failed)", "[2001:db8::7]:445 (at least 1 failed)"))),
            "Fan-out to many remotes: remote IPs 40, ports 1, failed rows 40, outbound rows 40, window 5 min, "
                + "top remotes 203.0.113.1:445 (at least 1 failed), [2001:db8::7]:445 (at least 1 failed)");
        expected.put(new Evidence("AdminFanOut", T, Map.of("DistinctInternalTargets", 9, "Window", "PT10M",
            "TopRemotes", List.of("10.0.5.99:3389 (12 links)", "10.0.5.1:445 (1 link)"))),
            "Administrative-port fan-out: internal hosts 9, window 10 min, top remotes 10.0.5.99:3389 (12 links), 10.0.5.1:445 (1 link)");
        expected.put(new Evidence("Baseline", T, Map.of("MeanBytesSentPerMinute", 1500L, "Minutes", 60L)),
            "Usual traffic: usual sent per minute 1.5 KB, learned over 60 min");
        expected.forEach((e, text) -> assertEquals(text, EvidenceText.sentence(e, 1000), e.kind()));
    }

    @Test
    void aKindItDoesNotKnowIsNamedInWordsWithItsColumnsButNotTheHousekeepingOnes() {
        Evidence e = of("DNSLookupBurst", "QueryCount", 900, "TopDomain", "x.example");
        assertEquals("DNS lookup burst", EvidenceText.title(e));
        assertEquals("DNS lookup burst: query count 900, top domain x.example", EvidenceText.sentence(e, 1000));
    }

    @Test
    void longValuesAreCut() {
        Evidence e = of("VMConnection", "RemoteIp", "x".repeat(50));
        assertEquals("Connection: remote " + "x".repeat(9) + "\u2026", EvidenceText.sentence(e, 10));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"0, 0 B", "999, 999 B", "1000, 1.0 KB", "1234567, 1.2 MB", "5000000000, 5.0 GB", "abc, abc"})
    void bytesReadAsPeopleSayThem(String value, String words) {
        assertEquals(words, EvidenceText.bytes(value.matches("\\d+") ? (Object) Long.parseLong(value) : value));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"PT5M, 5 min", "PT1H, 1 h", "PT90S, 1 min 30 s", "PT0S, 0 s", "P1DT2H, 1 d 2 h", "soon, soon"})
    void windowsReadAsPeopleSayThem(String iso, String words) {
        assertEquals(words, EvidenceText.window(iso));
    }
}
