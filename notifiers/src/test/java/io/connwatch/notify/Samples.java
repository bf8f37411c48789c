package io.connwatch.notify;

import io.connwatch.alert.Alert;
import io.connwatch.alert.Evidence;
import io.connwatch.alert.Severity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Alerts for notifier tests. */
public final class Samples {
    private Samples() {
    }

    public static Alert alert(String id, Severity severity) {
        Map<String, Object> conn = new LinkedHashMap<>();
        conn.put("TimeGenerated", "2024-04-01T08:15:00Z");
        conn.put("RemoteIp", "192.9.135.73");
        conn.put("DestinationPort", 1194);
        conn.put("ProcessName", "python3 <&>");
        return new Alert(id, "malicious-remote-ip-outbound", severity, "fp-" + id, Instant.parse("2024-04-01T08:15:00Z"),
            Instant.parse("2024-04-01T08:16:00Z"), "app-001.contoso.com", "m-67ac", "python3",
            "Outbound connection from python3 to known C2 192.9.135.73:1194 <b>& co</b>",
            Map.of("direction", "outbound", "threat_type", "C2"),
            List.of(new Evidence("VMConnection", Instant.parse("2024-04-01T08:15:00Z"), conn)));
    }
}
