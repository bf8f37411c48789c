package io.connwatch.engine.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds VMConnection / VMBoundPort rows as JSON lines for tests, with sensible defaults. */
public final class Rows {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, Object> row = new LinkedHashMap<>();

    private Rows() {
    }

    public static Rows connection(String time, String machine) {
        Rows r = new Rows();
        r.row.put("Type", "VMConnection");
        r.row.put("TimeGenerated", Instant.parse(time).toString());
        r.row.put("Computer", machine + ".contoso.com");
        r.row.put("Machine", machine);
        r.row.put("Process", "p-1a2b");
        r.row.put("ProcessName", "curl");
        r.row.put("SourceIp", "10.0.0.4");
        r.row.put("DestinationIp", "93.184.216.34");
        r.row.put("DestinationPort", 443);
        r.row.put("Protocol", "tcp");
        r.row.put("Direction", "outbound");
        r.row.put("LinksEstablished", 1);
        r.row.put("LinksTerminated", 1);
        r.row.put("LinksFailed", 0);
        r.row.put("LinksLive", 0);
        return r;
    }

    public static Rows boundPort(String time, String machine) {
        Rows r = new Rows();
        r.row.put("Type", "VMBoundPort");
        r.row.put("TimeGenerated", Instant.parse(time).toString());
        r.row.put("Computer", machine + ".contoso.com");
        r.row.put("Machine", machine);
        r.row.put("Process", "p-77");
        r.row.put("ProcessName", "redis-server");
        r.row.put("Ip", "10.0.0.4");
        r.row.put("Port", 6379);
        r.row.put("Protocol", "tcp");
        r.row.put("IsWildcardBind", false);
        return r;
    }

    public Rows set(String column, Object value) {
        if (value == null) {
            row.remove(column);
        } else {
            row.put(column, value);
        }
        return this;
    }

    /** Marks the remote end as known-malicious the way Azure does. */
    public Rows malicious(String type, int severity, int confidence) {
        String remote = "inbound".equals(row.get("Direction")) ? (String) row.get("SourceIp") : (String) row.get("DestinationIp");
        row.put("MaliciousIp", remote);
        row.put("IndicatorThreatType", type);
        row.put("Severity", severity);
        row.put("Confidence", String.valueOf(confidence));
        row.put("TLPLevel", "Amber");
        row.put("IsActive", "True");
        row.put("Description", "test indicator");
        return this;
    }

    public String json() {
        try {
            return JSON.writeValueAsString(row);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return json();
    }
}
