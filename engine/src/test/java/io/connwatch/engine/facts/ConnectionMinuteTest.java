package io.connwatch.engine.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.connwatch.engine.rules.Rows;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-minute sums rules read, and the evidence columns alerts on them carry. */
class ConnectionMinuteTest {
    private static final long MINUTE = Instant.parse("2024-05-01T10:00:00Z").toEpochMilli();

    private static List<Connection> rows() {
        String text = Rows.connection("2024-05-01T10:00:00Z", "m-1").set("LinksEstablished", 2).set("LinksTerminated", 1)
                .set("BytesSent", 1000).set("BytesReceived", 50).set("DestinationIp", "10.0.0.9").set("DestinationPort", 445).json()
            + "\n" + Rows.connection("2024-05-01T10:00:20Z", "m-1").set("LinksEstablished", 0).set("LinksTerminated", 0)
                .set("LinksFailed", 3).set("BytesSent", 7).set("BytesReceived", 0).json() + "\n";
        List<Connection> out = new ArrayList<>();
        new RecordDecoder().decode("test", text, RecordDecoder.Sink.of(r -> out.add((Connection) r), rej -> {
            throw new AssertionError(rej.message());
        }));
        return out;
    }

    @Test
    void aMachineMinuteSumsItsRowsAndListsThemInTheEvidenceOrder() {
        MachineMinute m = new MachineMinute("m-1", "m-1.contoso.com", MINUTE);
        rows().forEach(m::add);
        m.seal();
        assertEquals(2, m.getRows());
        assertEquals(2, m.getLinksEstablished());
        assertEquals(1, m.getLinksTerminated());
        assertEquals(3, m.getLinksFailed());
        assertEquals(1007, m.getBytesSent());
        assertEquals(50, m.getBytesReceived());
        assertEquals(1, m.getAdminTargets());
        Map<String, Object> columns = m.toColumns();
        assertEquals(List.of("TimeGenerated", "Computer", "Machine", "Rows", "LinksEstablished", "LinksTerminated", "LinksFailed",
            "BytesSent", "BytesReceived", "AdminTargets"), List.copyOf(columns.keySet()));
        assertEquals(List.of("2024-05-01T10:00:00Z", "m-1.contoso.com", "m-1", 2L, 2L, 1L, 3L, 1007L, 50L, 1),
            List.copyOf(columns.values()));
    }

    @Test
    void aProcessMinuteSumsTheSameCountersBesideItsOwn() {
        ProcessMinute p = new ProcessMinute("m-1", "m-1.contoso.com", "p-1a2b", "curl", MINUTE);
        rows().forEach(p::add);
        p.seal();
        assertEquals(2, p.getRows());
        assertEquals(3, p.getLinksFailed());
        assertEquals(1007, p.getBytesSent());
        assertEquals(1, p.getFailedRows());
        Map<String, Object> columns = p.toColumns();
        assertEquals(List.of("TimeGenerated", "Computer", "Machine", "Process", "ProcessName", "Rows", "LinksEstablished",
            "LinksTerminated", "LinksFailed", "BytesSent", "BytesReceived", "DistinctRemotes", "DistinctPorts", "FailedRows"),
            List.copyOf(columns.keySet()));
        assertEquals(List.of("2024-05-01T10:00:00Z", "m-1.contoso.com", "m-1", "p-1a2b", "curl", 2L, 2L, 1L, 3L, 1007L, 50L, 2, 2, 1L),
            List.copyOf(columns.values()));
    }
}
