package io.connwatch.notify;

import io.connwatch.alert.Alert;
import io.connwatch.alert.Evidence;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Notification.AlertStatus;
import io.connwatch.alert.Notification.Counts;
import io.connwatch.alert.Notification.NotifiedAlert;
import io.connwatch.alert.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Notifications for the SIEM channels' tests (Splunk, Elastic, syslog, Sentinel), and their golden payloads. */
public final class SiemSamples {
    private SiemSamples() {
    }

    /**
     * A group of two alerts on app-001.contoso.com: a new firing one whose rule declares its ATT&CK
     * tactic and technique and whose summary holds every character CEF escapes, and one that resolved.
     */
    public static Notification twoAlerts() {
        Map<String, Object> conn = new LinkedHashMap<>();
        conn.put("TimeGenerated", "2024-04-01T08:15:00Z");
        conn.put("Direction", "outbound");
        conn.put("ProcessName", "python3");
        conn.put("SourceIp", "10.1.0.4");
        conn.put("DestinationIp", "192.9.135.73");
        conn.put("DestinationPort", 1194);
        conn.put("Protocol", "tcp");
        conn.put("RemoteIp", "192.9.135.73");
        Alert firing = new Alert("s1", "malicious-remote-ip-outbound", Severity.HIGH, "fp-s1", Instant.parse("2024-04-01T08:15:00Z"),
            Instant.parse("2024-04-01T08:16:00Z"), "app-001.contoso.com", "m-67ac", "python3",
            "C2 a|b=c\\d\r\nline two", Map.of("direction", "outbound", "tactic", "TA0011", "technique", "T1071", "threat_type", "C2"),
            List.of(new Evidence("VMConnection", Instant.parse("2024-04-01T08:15:00Z"), conn)));
        Map<String, Object> bound = new LinkedHashMap<>();
        bound.put("TimeGenerated", "2024-04-01T08:10:00Z");
        bound.put("Ip", "0.0.0.0");
        bound.put("Port", 8443);
        bound.put("Protocol", "tcp");
        bound.put("IsWildcardBind", true);
        Alert gone = new Alert("s2", "unexpected-wildcard-bind", Severity.MEDIUM, "fp-s2", Instant.parse("2024-04-01T08:10:00Z"),
            Instant.parse("2024-04-01T08:10:30Z"), "app-001.contoso.com", "m-67ac", "java", "java listens on all interfaces, port 8443",
            Map.of("direction", "inbound"), List.of(new Evidence("VMBoundPort", Instant.parse("2024-04-01T08:10:00Z"), bound)));
        List<NotifiedAlert> alerts = List.of(
            new NotifiedAlert(firing, AlertStatus.FIRING, Instant.parse("2024-04-01T08:15:00Z"), null, true, 1, List.of(), List.of()),
            new NotifiedAlert(gone, AlertStatus.RESOLVED, Instant.parse("2024-04-01T08:10:00Z"), Instant.parse("2024-04-01T08:18:00Z"),
                true, 4, List.of(), List.of()));
        return new Notification("7c9e6679-7425-40de-944b-e07fc1f90ae7", "siem", "{}:{computer=\"app-001.contoso.com\"}",
            Map.of("computer", "app-001.contoso.com"), AlertStatus.FIRING, alerts, new Counts(1, 1, 1, 1, 0, 0, 0, 0),
            Instant.parse("2024-04-01T08:20:00Z"), false, null, null);
    }

    /** A firing notification of {@code count} alerts, each with a summary of {@code summaryChars} characters. */
    public static Notification many(int count, int summaryChars) {
        List<Alert> alerts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Alert a = Samples.alert("m" + i, Severity.HIGH);
            alerts.add(new Alert(a.id(), a.rule(), a.severity(), a.fingerprint(), a.evidenceTime(), a.detectedAt(), a.computer(),
                a.machine(), a.process(), ("alert " + i + " ").repeat(summaryChars / 8 + 1).substring(0, summaryChars), a.labels(),
                a.evidence()));
        }
        return Notification.of("siem", alerts, Samples.AT);
    }

    /** A golden payload from the test resources ({@code io/connwatch/notify/golden/<name>}). */
    public static String golden(String name) {
        try (InputStream in = SiemSamples.class.getResourceAsStream("golden/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no golden file " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
